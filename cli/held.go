package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

// held is what people hold to get in (their SSH keys, their field API
// tokens), as the commands that list and revoke it reach it: with runs
// run on the service S, through the server that holds the database if one
// does (withKeys, withIntake); S names the holders too.
type held[S personGetter] struct {
	a    *app
	with func(run func(svc S) error) error
}

// revoking is a revoke command's words and the calls that revoke one (by
// its handle: a key's fingerprint, a token's prefix) or all of a person's;
// each says what was revoked, as a line.
type revoking[S personGetter] struct {
	use, short string
	handle     string // the argument, for exactArgs' message: "one key fingerprint"
	handleZh   string // handle in Chinese: "一个密钥指纹"
	either     string // the refusal of both or neither
	eitherZh   string // either in Chinese
	person     string // --person's usage
	one        func(ctx context.Context, svc S, handle string) (string, error)
	all        func(ctx context.Context, svc S, id model.PersonID) (string, error)
	// ask, if set, is what the command asks before it revokes (confirm;
	// --yes skips it): what the handle, or else id, would revoke. A zero
	// prompt asks nothing (nothing to revoke, or a handle that is not
	// there, which the revoke itself refuses).
	ask func(ctx context.Context, svc S, handle string, id model.PersonID) (prompt, error)
}

// revokeCmd revokes what r names: one by its handle or, with --person, all
// of a person's, one of the two; asking first (r.ask) unless --yes.
func (h held[S]) revokeCmd(r revoking[S]) *cobra.Command {
	var person string
	var yes bool
	cmd := &cobra.Command{
		Use:   r.use,
		Short: r.short,
		Args:  maxArgs(1, r.handle, r.handleZh),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == (person != "") {
				return usageError{model.Errorf(model.EINVALID, "%s", r.either).Zh("%s", r.eitherZh)}
			}
			handle, id := "", model.System
			if person == "" {
				handle = args[0]
			} else {
				var err error
				if id, err = personFlag(person); err != nil {
					return err
				}
			}
			if r.ask != nil && !yes {
				if err := h.ask(cmd, r, handle, id); err != nil {
					return err
				}
			}
			return h.with(func(svc S) error {
				line, err := h.revoke(cmd.Context(), svc, r, handle, id)
				if err != nil {
					return err
				}
				fmt.Fprintln(h.a.out, line)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", r.person)
	if r.ask != nil {
		cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	}
	return cmd
}

// ask puts r's question (r.ask) about handle or id. The service is let go
// while the person answers, and reached again for the revoke, which
// revokes what is there then.
func (h held[S]) ask(cmd *cobra.Command, r revoking[S], handle string, id model.PersonID) error {
	var p prompt
	err := h.with(func(svc S) (err error) {
		p, err = r.ask(cmd.Context(), svc, handle, id)
		return err
	})
	if err != nil || p.what == "" {
		return err
	}
	return h.a.confirmPrompt(cmd, p)
}

// revoke revokes handle, or every one of id's when handle is "".
func (h held[S]) revoke(ctx context.Context, svc S, r revoking[S], handle string, id model.PersonID) (string, error) {
	if handle != "" {
		return r.one(ctx, svc, handle)
	}
	return r.all(ctx, svc, id)
}

// listing is a list command's words and calls: fetch what one person
// holds (model.System: everyone), the holder of each, and print it with
// the holders' names.
type listing[S personGetter, T any] struct {
	short  string
	person string // --person's usage
	fetch  func(svc S, ctx context.Context, id model.PersonID) ([]T, error)
	holder func(T) model.PersonID
	print  func(xs []T, names map[model.PersonID]string, asJSON bool) error
}

// listCmd is 'list [--person ID] [--json]': what one person holds
// (--person) or everyone, with the holders' names (holderNames).
func listCmd[S personGetter, T any](h held[S], l listing[S, T]) *cobra.Command {
	var who string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--person ID] [--json]",
		Short: l.short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := personFilter(who)
			if err != nil {
				return err
			}
			return h.with(func(svc S) error {
				xs, err := l.fetch(svc, cmd.Context(), id)
				if err != nil {
					return err
				}
				return l.print(xs, holderNames(cmd.Context(), svc, xs, l.holder), asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&who, "person", "", l.person)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// personGetter is the part of the roster that names a holder.
type personGetter interface {
	Person(ctx context.Context, id model.PersonID) (model.Person, error)
}

// personName is id's name, "" when it is not on the roster.
func personName(ctx context.Context, svc personGetter, id model.PersonID) string {
	if p, err := svc.Person(ctx, id); err == nil {
		return p.Name
	}
	return ""
}

// personLabel is "name (id)", or the id alone for model.System or someone
// not on the roster.
func personLabel(ctx context.Context, svc personGetter, id model.PersonID) string {
	if id != model.System {
		if p, err := svc.Person(ctx, id); err == nil {
			return p.Name + " (" + id.String() + ")"
		}
	}
	return id.String()
}

// holderNames are the names of the people who hold xs (holder of each),
// each looked up once.
func holderNames[T any](ctx context.Context, svc personGetter, xs []T, holder func(T) model.PersonID) map[model.PersonID]string {
	names := map[model.PersonID]string{}
	for _, x := range xs {
		id := holder(x)
		if _, ok := names[id]; !ok {
			names[id] = personName(ctx, svc, id)
		}
	}
	return names
}
