package cli

import (
	"context"

	"gridcmd/model"
)

// withFound is withDB for a command that first finds one thing in the
// file (who acts, the room of --room, a day's patrol board): run gets it.
func withFound[T any](a *app, ctx context.Context, how access, find func(ctx context.Context, db backend) (T, error), run func(ctx context.Context, db backend, found T) error) error {
	return a.withDB(ctx, how, func(ctx context.Context, db backend) error {
		found, err := find(ctx, db)
		if err != nil {
			return err
		}
		return run(ctx, db, found)
	})
}

// withActor is withDB(acting) for a command that acts as someone: it
// resolves who acts (a.actor: --by, else --as, else the operator) before
// run, the prologue of every such command.
func (a *app) withActor(ctx context.Context, by string, run func(ctx context.Context, db backend, actor model.PersonID) error) error {
	return withFound(a, ctx, acting, func(ctx context.Context, db backend) (model.PersonID, error) {
		return a.actor(ctx, db, by)
	}, run)
}
