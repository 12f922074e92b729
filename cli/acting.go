package cli

import (
	"context"

	"gridcmd/model"
)

// withActor is withDB(acting) for a command that acts as someone: it
// resolves who acts (a.actor: --by, else --as, else the operator) before
// run, the prologue of every such command.
func (a *app) withActor(ctx context.Context, by string, run func(ctx context.Context, db backend, actor model.PersonID) error) error {
	return a.withDB(ctx, acting, func(ctx context.Context, db backend) error {
		actor, err := a.actor(ctx, db, by)
		if err != nil {
			return err
		}
		return run(ctx, db, actor)
	})
}
