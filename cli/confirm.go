package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// asking is a command that asks the operator before it acts (ask).
type asking struct {
	// check runs first, with or without --yes: the refusals that come
	// before anything is asked.
	check func(ctx context.Context, db backend) error
	// what is the question: what the command would do and the question
	// itself ("Activate wartime?"), in English and in Chinese (prompt).
	what func(ctx context.Context, db backend) (prompt, error)
	// act does it, on the database reached again after the answer; it
	// re-checks the state under the rules, so nothing decided before the
	// question is trusted after it.
	act func(ctx context.Context, db backend) error
}

// ask runs q: check, then, unless yes, what and the question
// (confirmPrompt, in the language of the config),
// then act. The database is let go while the question waits (a person may
// take minutes to answer, and the console or a server must be able to open
// the file meanwhile) and reached again for act.
func (a *app) ask(cmd *cobra.Command, yes bool, q asking) error {
	ctx := cmd.Context()
	if yes {
		return a.withDB(ctx, acting, func(ctx context.Context, db backend) error {
			if err := q.check(ctx, db); err != nil {
				return err
			}
			return q.act(ctx, db)
		})
	}
	var p prompt
	err := a.withDB(ctx, acting, func(ctx context.Context, db backend) error {
		if err := q.check(ctx, db); err != nil {
			return err
		}
		var err error
		p, err = q.what(ctx, db)
		return err
	})
	if err != nil {
		return err
	}
	if err := a.confirmPrompt(cmd, p); err != nil {
		return err
	}
	return a.withDB(ctx, acting, q.act)
}

// prompt is what a command asks before it acts: what it would do and the
// question, in English and in Chinese (for lang zh; "" has it in English).
type prompt struct {
	what, question     string
	whatZh, questionZh string
}

// confirmPrompt asks the operator at a terminal to type y; without a
// terminal it refuses, naming what it would have done, so a script must
// say --yes. It speaks p's words, in Chinese where the language is zh and
// p has them: the question, and the refusals without a terminal or a y.
func (a *app) confirmPrompt(cmd *cobra.Command, p prompt) error {
	zh := a.cfg.Lang == "zh" && p.whatZh != ""
	in := cmd.InOrStdin()
	if !isTerminal(in) {
		if zh {
			return usageError{fmt.Errorf("%s%s；标准输入不是终端，未做任何操作：确认请加 --yes", where(cmd), p.whatZh)}
		}
		return usageError{fmt.Errorf("%s%s; stdin is not a terminal, so nothing was done: pass --yes to confirm", where(cmd), p.what)}
	}
	if zh {
		fmt.Fprintf(a.out, "%s\n%s [y/N] ", p.whatZh, p.questionZh)
	} else {
		fmt.Fprintf(a.out, "%s\n%s [y/N] ", p.what, p.question)
	}
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	if zh {
		return usageError{fmt.Errorf("%s未确认，未做任何操作", where(cmd))}
	}
	return usageError{fmt.Errorf("%snot confirmed; nothing was done", where(cmd))}
}

// isTerminal reports whether r is an interactive terminal: a character
// device other than the null device. (The standard library cannot ask the
// terminal driver; this tells a person at a terminal from a pipe, a file
// or /dev/null, which is what the confirmation needs.)
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}
