package cli

import (
	"context"
	"strings"

	"gridcmd/model"
)

// nodeArg reads a node typed on the command line for flag (a flag, or the
// command's name for an argument): a code, or a name as the console shows
// it ("渎溪村 02", "大屋村 02-03"), which a.nameResolver turns into a code
// within the seat of actor, or of the operator when actor is 0 (a command
// that only looks) — how report reads its --node. levels narrow what a name
// may name (none: any level). Blank is "". A name that names nothing or
// several nodes is refused as bad usage naming flag (the candidates listed);
// so is a malformed code, which is one when it starts with a digit and
// names nothing: then the refusal says what is wrong with the code.
func (a *app) nodeArg(ctx context.Context, svc model.Service, flag, s string, actor model.PersonID, levels ...model.Level) (model.NodeCode, error) {
	if blank(s) {
		return "", nil
	}
	code, codeErr := model.ParseNodeCode(s)
	if codeErr == nil {
		return code, nil
	}
	if actor == 0 {
		var err error
		if actor, err = a.looker(ctx, svc); err != nil {
			return "", err
		}
	}
	c, err := a.nameResolver(ctx, svc, actor)(s, levels...)
	switch model.ErrorCode(err) {
	case "":
		return c, nil
	case model.ENOTFOUND:
		if t := strings.TrimSpace(s); t[0] >= '0' && t[0] <= '9' {
			return "", usageError{flagError(flag, codeErr)}
		}
		return "", usageError{flagError(flag, err)}
	case model.EINVALID:
		return "", usageError{flagError(flag, err)}
	}
	return "", err
}

// looker is whose seat a command that only looks reads a name in: the
// operator's (a.actor: --as, else the configured operator, else a duty
// officer), as the console's seat; nobody (the whole file) when the roster
// has no duty officer.
func (a *app) looker(ctx context.Context, svc model.Service) (model.PersonID, error) {
	id, err := a.actor(ctx, svc, "")
	if u, ok := err.(usageError); ok && u.error == errNoOperator {
		return 0, nil
	}
	return id, err
}
