package cli

import (
	"context"
	"fmt"
	"regexp"
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
// so is a malformed code (model.NodeNames.Resolve: a word that starts with a
// digit and is ASCII throughout is a code, and the refusal says what is
// wrong with it).
func (a *app) nodeArg(ctx context.Context, svc model.Service, flag, s string, actor model.PersonID, levels ...model.Level) (model.NodeCode, error) {
	if blank(s) {
		return "", nil
	}
	if code, err := model.ParseNodeCode(s); err == nil {
		return code, nil
	}
	if actor == 0 {
		var err error
		if actor, err = a.looker(ctx, svc); err != nil {
			return "", err
		}
	}
	return flagged(flag)(a.nameResolver(ctx, svc, actor)(s, levels...))
}

// withNode runs look on the file, opened to look, with the node typed for
// flag (a.nodeArg in the operator's seat; blank is "", no node): the
// prologue of a command that shows what is at a node or beneath it.
func (a *app) withNode(ctx context.Context, flag, s string, look func(ctx context.Context, db backend, node model.NodeCode) error) error {
	return withFound(a, ctx, looking, func(ctx context.Context, db backend) (model.NodeCode, error) {
		return a.nodeArg(ctx, db, flag, s, 0)
	}, look)
}

// flagged refuses as bad usage naming flag what a name or a code the
// person typed for it gets (ENOTFOUND, EINVALID); other errors pass.
func flagged(flag string) func(model.NodeCode, error) (model.NodeCode, error) {
	return func(c model.NodeCode, err error) (model.NodeCode, error) {
		switch model.ErrorCode(err) {
		case "":
			return c, nil
		case model.ENOTFOUND, model.EINVALID:
			return "", usageError{flagError(flag, err)}
		}
		return "", err
	}
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

// nodeFlags are the flags that take a node by its name, which may hold a
// space (渎溪村 02).
var nodeFlags = map[string]bool{"--node": true, "--unit": true, "--room": true, "--micro-grid": true,
	"--to": true, "--scope": true, "--within": true, "--village": true}

// nameRest is what follows the space of a name as the console shows it:
// a grid, micro-grid or household unit's number (02, 02-01, 02-01-003).
var nameRest = regexp.MustCompile(`^[0-9]{2,3}(-[0-9]{2,3}){0,2}$`)

// spaceHint is the hint a failed command line gets when a node flag's
// value is followed by what looks like the rest of a name typed without
// quotes (--node 渎溪村 02, which reads 02 as an argument): "" when none.
// It is in Chinese when lang is zh, as the refusal it follows.
func spaceHint(args []string, lang string) string {
	for i := 0; i < len(args) && args[i] != "--"; i++ {
		flag, value, inline := strings.Cut(args[i], "=")
		if !nodeFlags[flag] {
			continue
		}
		next := i + 1
		if !inline {
			if next >= len(args) {
				break
			}
			value, next = args[next], next+1
		}
		if next < len(args) && nameRest.MatchString(args[next]) && !model.CodeLike(strings.TrimSpace(value)) && !strings.HasPrefix(value, "-") {
			name := value + " " + args[next]
			if lang == "zh" {
				return fmt.Sprintf("；含空格的名称请加引号：%s '%s'（或 %s）", flag, name, strings.ReplaceAll(name, " ", ""))
			}
			return fmt.Sprintf("; quote a name with a space: %s '%s' (or %s)", flag, name, strings.ReplaceAll(name, " ", ""))
		}
	}
	return ""
}
