package cli

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gridcmd/model"
)

// required is a flag a command needs and whether it is missing.
type required struct {
	flag    string
	missing bool
}

// missing names the required flags that are missing ("reserve draft:
// missing --person, --micro-grid", "reserve draft：缺少 --person、
// --micro-grid"); nil when none is.
func missing(command string, flags ...required) error {
	var names []string
	for _, f := range flags {
		if f.missing {
			names = append(names, f.flag)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return model.Errorf(model.EINVALID, "%s: missing %s", command, strings.Join(names, ", ")).
		Zh("%s：缺少 %s", command, strings.Join(names, "、"))
}

// blank is whether a flag's value is empty or only spaces.
func blank(v string) bool { return strings.TrimSpace(v) == "" }

// optional reads a flag that may be left out: v parsed into *dst, or
// nothing when v is empty (*dst keeps its value).
func optional[T any](dst *T, v string, parse func(string) (T, error)) error {
	if v == "" {
		return nil
	}
	x, err := parse(v)
	if err != nil {
		return err
	}
	*dst = x
	return nil
}

// flagError is the domain's refusal of a flag's value, named by the flag:
// "--note: at most 500 characters", in Chinese too ("--note：…"), a bad
// input whatever the refusal's code.
func flagError(flag string, err error) error {
	return model.Errorf(model.EINVALID, "%s: %s", flag, model.ErrorMessage(err)).Zh("%s：%s", flag, model.ErrorMessageZh(err))
}

// badValue is the refusal of v, a flag's value it cannot read, in the
// operator's language as every other refusal (message): "--day "x": want a
// date, YYYY-MM-DD", "--day "x"：应为日期，YYYY-MM-DD".
func badValue(flag, v, want, wantZh string) error {
	return usageError{model.Errorf(model.EINVALID, "%s %q: want %s", flag, v, want).Zh("%s %q：应为%s", flag, v, wantZh).On(strings.TrimPrefix(flag, "--"))}
}

// badDate is the refusal of v, a flag's date (or date and time) it cannot
// read: that the day does not exist when v is written as a date but names
// none ("--from: "2026-02-30": no such date: February 2026 has no 30th",
// model.NoSuchDate), else otherwise.
func badDate(flag, v string, otherwise error) error {
	if bad := model.NoSuchDate(v); bad != nil {
		return usageError{flagError(flag, bad)}
	}
	return otherwise
}

// cleanFlag is a flag's text cleaned by model.CleanText; a refusal names
// the flag.
func cleanFlag(flag, v string, multiline bool) (string, error) {
	s, err := model.CleanText(v, multiline)
	if err != nil {
		return "", flagError(flag, err)
	}
	return s, nil
}

// actFlags are the flags of a command that acts as someone (--by, else
// --as, else whom the command says) and prints what it did, or that as
// JSON (--json).
type actFlags struct {
	by     string
	asJSON bool
}

// add adds --by and --json to f with their help.
func (fl *actFlags) add(f *pflag.FlagSet, by, asJSON string) {
	f.StringVar(&fl.by, "by", "", by)
	f.BoolVar(&fl.asJSON, "json", false, asJSON)
}

// personAct are the flags of a command that acts on one person (--person)
// as someone: points grant, deduct and redeem, reserve draft and release.
type personAct struct {
	actFlags
	person string
}

// add adds --person (whose: whose id it is), --by (who: who acts, by
// default the operator) and --json (what: what is printed) to f.
func (fl *personAct) add(f *pflag.FlagSet, whose, who, what string) {
	f.StringVar(&fl.person, "person", "", whose+" (required), e.g. P1234")
	fl.actFlags.add(f, who+" (person id); default the operator", "print "+what+" as JSON")
}

// personCmd makes c a command that acts on one person as someone
// (personAct, whose flags the caller adds): it refuses to run without
// --person or one of the flags more names, or when more's error says their
// values are wrong, then runs act on the file as --by (a.withActor).
func (a *app) personCmd(c *cobra.Command, fl *personAct, more func() ([]required, error),
	act func(ctx context.Context, db backend, pid, actor model.PersonID) error) *cobra.Command {
	c.Args = cobra.NoArgs
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		flags, bad := more()
		if err := missing(strings.TrimSuffix(where(cmd), ": "), append([]required{{"--person", blank(fl.person)}}, flags...)...); err != nil {
			return usageError{err}
		}
		if bad != nil {
			return usageError{bad}
		}
		pid, err := personFlag(fl.person)
		if err != nil {
			return err
		}
		return a.withActor(cmd.Context(), fl.by, func(ctx context.Context, db backend, actor model.PersonID) error {
			return act(ctx, db, pid, actor)
		})
	}
	return c
}

// noMore is personCmd's more for a command that needs no flag but --person.
func noMore() ([]required, error) { return nil, nil }

// filtered are the flags of a command that shows a list or a board: one
// flag that says which (--room, --day) and --json.
type filtered struct {
	which  string
	asJSON bool
}

// add adds the flag name (its help usage) and --json to cmd.
func (fl *filtered) add(cmd *cobra.Command, name, usage string) {
	cmd.Flags().StringVar(&fl.which, name, "", usage)
	cmd.Flags().BoolVar(&fl.asJSON, "json", false, "print JSON")
}

// readInput reads the file a command imports; a file it cannot read is
// refused as a bad input in the operator's language too ("open x.csv: no
// such file or directory", "无法读取 x.csv：文件不存在").
func readInput(file string) ([]byte, error) {
	raw, err := os.ReadFile(file)
	if err == nil {
		return raw, nil
	}
	why := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		why = pe.Err.Error()
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = "文件不存在"
	case errors.Is(err, fs.ErrPermission):
		why = "没有读取权限"
	case errors.Is(err, syscall.EISDIR):
		why = "这是一个目录"
	}
	return nil, usageError{model.Errorf(model.EINVALID, "%s", err).Zh("无法读取 %s：%s", file, why)}
}
