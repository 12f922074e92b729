// Package cli is gridcmd's command line: the cobra commands, their output
// (tables for people, stable JSON for programs) and exit statuses. It is
// where the concrete store meets the domain; everything else speaks model.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/api"
	"gridcmd/config"
	"gridcmd/model"
	"gridcmd/store"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitUsage   = 1 // bad usage or input, or anything that failed
	ExitRefused = 2 // refused by the rules, or not found
)

// app carries what every command shares: the streams, the flags and the
// loaded config.
type app struct {
	out, errOut io.Writer
	cfgFile     string
	dbFlag      string
	langFlag    string
	asFlag      string
	cfg         config.Config
	now         func() time.Time // the clock for stores this process opens
	demoHistory bool             // the demo is loaded with its history (demo.LoadWithHistory)
	notice      string           // said once in the console when it opens (keys dropped while the demo loaded)
	// held, if set, is the service every command works on instead of the
	// database (a command run over SSH, on the seat server's store).
	held model.Service
	// hubRole: this process is the federation's hub ('gridcmd hub'), so
	// serve starts no town node whatever federation.enabled says.
	hubRole bool
}

// usageError marks errors of usage, so they exit with ExitUsage.
type usageError struct{ error }

// Main runs gridcmd with args and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	a := &app{out: stdout, errOut: stderr, now: time.Now}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	lang := a.refusalLang()
	fmt.Fprintln(stderr, "gridcmd: "+message(err, lang)+spaceHint(args, lang))
	return exitCode(err)
}

// refusalLang is the language a refusal is said in: lang, or, for a
// command line refused before the config was read (cobra checks a
// command's arguments before PersistentPreRunE), the config's, read now
// (its warnings were or will be said by a command that reads it).
func (a *app) refusalLang() string {
	if a.cfg.Lang == "" && a.langFlag == "" {
		if cfg, err := config.LoadWarn(a.cfgFile, map[string]string{"db": a.dbFlag}, io.Discard); err == nil {
			return cfg.Lang
		}
	}
	return a.lang()
}

// lang is the language the operator reads: the loaded config's, else the
// --lang flag's (the config itself may be what failed).
func (a *app) lang() string {
	if a.cfg.Lang != "" {
		return a.cfg.Lang
	}
	return a.langFlag
}

// message is the one line the operator reads: the whole chain of context
// (a domain error's Error is its message, so nothing is lost or doubled),
// with the refusal in Chinese when lang is zh and the refusal says it in
// Chinese, a bad input's (a usageError's) as any other. The context the
// command line wraps it in stays as it is.
func message(err error, lang string) string {
	line := err.Error()
	var e *model.Error
	if lang != "zh" || !domainError(err, &e) || e.MessageZh == "" || !strings.Contains(line, e.Message) {
		return line
	}
	return strings.Replace(line, e.Message, e.MessageZh, 1)
}

// domainError finds err's domain error as errors.As does, and also inside
// a usageError (which does not unwrap, so that its code does not decide
// the exit status).
func domainError(err error, e **model.Error) bool {
	if errors.As(err, e) {
		return true
	}
	var ue usageError
	return errors.As(err, &ue) && errors.As(ue.error, e)
}

func exitCode(err error) int {
	switch model.ErrorCode(err) {
	case model.EQUEUED:
		return ExitOK // sent on to a federated town: done here, its message says where

	case model.ECONFLICT, model.EFORBIDDEN, model.ENOTFOUND:
		var ue usageError
		if !errors.As(err, &ue) {
			return ExitRefused
		}
	}
	return ExitUsage
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "gridcmd",
		Short: "Command console for grid-based emergency governance (花街镇 Huajie)",
		Long: `gridcmd keeps a town's five-level grid tower (town → village → grid →
micro-grid → household contacts), its rosters and every incident reported from
the field in one bbolt file, and moves incidents up the command chain.

Exit status: 0 done; 1 bad usage or input; 2 refused by the rules or not found.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.LoadWarn(a.cfgFile, map[string]string{"db": a.dbFlag, "lang": a.langFlag}, a.errOut)
			if err != nil {
				return usageError{err}
			}
			a.cfg = cfg
			return nil
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%s%w (see '%s --help')", where(c), err, c.CommandPath())}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.cfgFile, "config", "", "config file (default ./config.yaml, then $XDG_CONFIG_HOME/gridcmd/config.yaml)")
	pf.StringVar(&a.dbFlag, "db", "", "database file (default from config, else $XDG_DATA_HOME/gridcmd/gridcmd.db)")
	pf.StringVar(&a.langFlag, "lang", "", "language: zh or en (default from config)")
	pf.StringVar(&a.asFlag, "as", "", "act as this person (e.g. P1085) instead of the configured operator")

	root.AddCommand(
		a.initCmd(), a.importCmd(), a.statsCmd(), a.towerCmd(), a.peopleCmd(),
		a.reportCmd(), a.incidentsCmd(), a.showCmd(),
		a.actionCmd(model.ActAcknowledge), a.actionCmd(model.ActEscalate), a.actionCmd(model.ActDispatch),
		a.actionCmd(model.ActResolve), a.actionCmd(model.ActClose), a.actionCmd(model.ActReopen), a.noteCmd(),
		a.backupCmd(), a.checkCmd(), a.benchFederation(a.benchSSH(a.benchAPI(a.benchCmd()))), a.consoleCmd(), a.demoCmd(),
		a.wartimeCmd(), a.reserveCmd(), a.directiveCmd(),
		a.serveCmd(), a.tokenCmd(), a.keyCmd(), a.hubCmd(), a.federationCmd(),
		a.actionCmd(model.ActInvalid), a.pointsCmd(), a.scorecardCmd(),
		a.patrolCmd(), a.findingCmd(), a.rotationCmd(),
		a.dutyCmd(), a.handoverCmd(), a.heartbeatCmd(), a.replayCmd(), a.timelineCmd(),
	)
	root.Args = cobra.NoArgs
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		return a.withDB(cmd.Context(), acting, a.runConsole)
	}
	return root
}

// where names a subcommand at the start of a message ("import villages: "),
// and is empty for the root command, whose name the "gridcmd: " prefix of
// every message already gives.
func where(c *cobra.Command) string {
	if !c.HasParent() {
		return ""
	}
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ") + ": "
}

// exactArgs wants n positional arguments and says which when they are not
// there ("show: want one incident id (e.g. HJ-20261129-0001), got none"),
// where cobra's own check says only "accepts 1 arg(s), received 0". wantZh
// says want in Chinese ("一个事件编号"); without it the Chinese says only
// how many.
func exactArgs(n int, want string, wantZh ...string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{model.Errorf(model.EINVALID, "%swant %s, got %s (see '%s --help')", where(c), want, argCount(len(args)), c.CommandPath()).
				Zh("%s需要%s，%s（见 '%s --help'）", where(c), argsZh(n, wantZh), argCountZh(len(args)), c.CommandPath())}
		}
		return nil
	}
}

// maxArgs is exactArgs for at most n arguments.
func maxArgs(n int, want string, wantZh ...string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > n {
			return usageError{model.Errorf(model.EINVALID, "%swant at most %s, got %s (see '%s --help')", where(c), want, argCount(len(args)), c.CommandPath()).
				Zh("%s最多给出%s，%s（见 '%s --help'）", where(c), argsZh(n, wantZh), argCountZh(len(args)), c.CommandPath())}
		}
		return nil
	}
}

// argsZh is what n arguments are in Chinese: wantZh's first, else their
// number ("1 个参数").
func argsZh(n int, wantZh []string) string {
	if len(wantZh) > 0 && wantZh[0] != "" {
		return wantZh[0]
	}
	return fmt.Sprintf(" %d 个参数", n)
}

func argCount(n int) string {
	switch n {
	case 0:
		return "none"
	case 1:
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}

// argCountZh is argCount in Chinese.
func argCountZh(n int) string {
	if n == 0 {
		return "却没有给出"
	}
	return fmt.Sprintf("却给了 %d 个参数", n)
}

// group makes c a command that only holds subcommands, subs (more may be
// added later): bare, it prints its help; with an unknown subcommand it
// fails (cobra would print the help and exit 0, so a typo like 'gridcmd
// import vilages x.csv' looked like success).
func group(c *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		var names []string
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		return usageError{model.Errorf(model.EINVALID, "%sunknown command %q; want %s (see '%s --help')",
			where(cmd), args[0], strings.Join(names, " or "), cmd.CommandPath()).
			Zh("%s没有 %q 这个命令；应为 %s（见 '%s --help'）", where(cmd), args[0], strings.Join(names, "、"), cmd.CommandPath())}
	}
	c.AddCommand(subs...)
	return c
}

// storeOptions are the options every store this process opens shares.
func (a *app) storeOptions() (store.Options, error) {
	p, err := a.cfg.Policy()
	if err != nil {
		return store.Options{}, usageError{err}
	}
	return store.Options{
		Timeout:  2 * time.Second,
		Now:      a.now,
		Policy:   p,
		Prefix:   a.cfg.TownPrefix,
		Location: a.cfg.Location,
	}, nil
}

// backend is what a command works on: the database file itself, or, when
// a running gridcmd (the console with api.enabled, or serve) holds the
// file, that process through its local API. Both speak model.Service.
type backend interface {
	model.Service
	Close() error
}

// access is how a command reaches the database (withDB).
type access int

const (
	looking  access = iota // openRead: the file opened read-only, no clocks applied, so looking never changes it
	acting                 // open: applies the clocks before the command acts
	creating               // openCreate while there is no database yet (no file, or an empty one), else as acting
)

// withDB reaches the configured database as how says, runs run on it and
// lets it go again: the prologue of every command that works on the
// database through model.Service.
func (a *app) withDB(ctx context.Context, how access, run func(ctx context.Context, db backend) error) error {
	db, err := a.reach(ctx, how)
	if err != nil {
		return err
	}
	defer db.Close()
	return run(ctx, db)
}

func (a *app) reach(ctx context.Context, how access) (backend, error) {
	if a.held != nil {
		return heldService{a.held}, nil
	}
	switch how {
	case looking:
		return a.openRead()
	case creating:
		if a.mustExist() != nil {
			db, err := a.openCreate()
			if err != nil {
				return nil, err
			}
			return db, nil
		}
	}
	return a.open(ctx)
}

// open reaches the configured database, which must exist, and applies the
// clocks (auto-escalation and supervision) before the command acts.
func (a *app) open(ctx context.Context) (backend, error) {
	db, err := a.reachDB(false)
	if err != nil {
		return nil, err
	}
	if _, err := db.Sweep(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openRead reaches the configured database, which must exist, for a
// command that only looks: it applies no clocks and opens the file
// read-only (bbolt's shared lock, so other readers, and users who may only
// read the file, can look at the same time), so looking never changes it.
func (a *app) openRead() (backend, error) { return a.reachDB(true) }

// reachDB reaches the configured database, which must exist. A running
// gridcmd that holds the file answers through its local API (the address
// and credential are in DB.api beside the file, readable by its owner
// only); otherwise the file is opened, read-only if readOnly.
//
// A gridcmd starting at the same moment may hold the lock before it serves
// the file: the open waits for the lock (store.Options.Timeout), then the
// holder is looked for again, once, before the file is called in use.
func (a *app) reachDB(readOnly bool) (backend, error) {
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	for try := 1; ; try++ {
		c, db, err := a.reachHolder()
		switch {
		case err != nil:
			return nil, err
		case c != nil:
			return c, nil
		case db != nil:
			return db, nil
		}
		db, err = a.openFile(false, readOnly)
		switch {
		case err == nil:
			return db, nil
		case !store.InUse(err) || try == holderTries:
			return nil, err
		}
	}
}

// holderTries is how many times reachDB looks for the file's holder.
const holderTries = 2

// dialHolder reaches the running gridcmd that holds the configured
// database through its local API; nil (and no error) when none does.
func (a *app) dialHolder() (*api.Client, error) {
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	c, db, err := a.reachHolder()
	if db != nil {
		db.Close() // the caller opens the file for what it does
	}
	return c, err
}

// reachHolder reaches the gridcmd that holds the configured database
// through its local credential file (DB.api), without trusting the file:
// a gridcmd killed outright leaves it behind, and its port may be anyone's
// by now. So the database's lock is tried first: if the file opens, no
// gridcmd holds it, the credential file is stale and is removed, and the
// database comes back opened (db). Only while another process holds the
// lock is the file's server dialled, and it must prove that it holds the
// credential before it is sent anything (api.DialLocal); a stale file then
// is an error that names it. All nil: there is no credential file (the
// caller opens the database, which waits for a lock held by a process
// that does not serve it).
func (a *app) reachHolder() (c *api.Client, db *store.DB, err error) {
	local := api.LocalPath(a.cfg.DB)
	if _, err := os.Lstat(local); errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	opts, err := a.storeOptions()
	if err != nil {
		return nil, nil, err
	}
	opts.Timeout = time.Nanosecond // one try: a lock held is an answer, not a wait
	switch db, err := store.Open(a.cfg.DB, opts); {
	case err == nil:
		// Nobody else can hold the database (and write the file again)
		// while this process holds its lock.
		if err := os.Remove(local); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.Close()
			return nil, nil, fmt.Errorf("removing the stale %s: %w", local, err)
		}
		return nil, db, nil
	case model.ErrorCode(err) != model.EUNAVAIL:
		return nil, nil, err
	}
	c, err = api.DialLocal(a.cfg.DB)
	switch model.ErrorCode(err) {
	case "":
		return c, nil, nil
	case model.ENOTFOUND: // the server has just stopped: open the file
		return nil, nil, nil
	case model.EUNAVAIL:
		// A server that is stopping may let go of the file in a moment.
		db, oerr := a.openCreate()
		if oerr == nil {
			if rerr := os.Remove(local); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
				db.Close()
				return nil, nil, fmt.Errorf("removing the stale %s: %w", local, rerr)
			}
			return nil, db, nil
		}
		if model.ErrorCode(oerr) == model.EUNAVAIL {
			return nil, nil, model.Errorf(model.EUNAVAIL, "%s; and %s", model.ErrorMessage(err), model.ErrorMessage(oerr)).
				Zh("%s；并且%s", model.ErrorMessageZh(err), model.ErrorMessageZh(oerr))
		}
		return nil, nil, oerr
	}
	return nil, nil, err
}

// openLocal opens the file itself, for what only the file can do (serve,
// and backup and check when no running gridcmd holds it). sweep applies the
// clocks first.
func (a *app) openLocal(ctx context.Context, sweep bool) (*store.DB, error) {
	db, err := a.openFile(false, false)
	if err != nil {
		if store.InUse(err) {
			return nil, heldElsewhere(err)
		}
		return nil, err
	}
	if sweep {
		if _, err := db.Sweep(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// heldElsewhere is the refusal of a command that needs the file itself
// while another gridcmd holds it (err, store.InUse), with what to do, in
// English and in Chinese, each whole.
func heldElsewhere(err error) error {
	return model.Errorf(model.EUNAVAIL, "%s; stop the console or server that holds it first", model.ErrorMessage(err)).
		Zh("%s；请先停止占用它的控制台或服务器", model.ErrorMessageZh(err))
}

// mustExist refuses a configured database that is not there: no file, or
// an empty one (only init, import villages and demo make a database).
func (a *app) mustExist() error {
	fi, err := os.Stat(a.cfg.DB)
	if errors.Is(err, os.ErrNotExist) || err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		return noDatabase(a.cfg.DB)
	}
	return nil
}

// noDatabase is the refusal of a command that needs a database where
// there is none, with the ways to make one.
func noDatabase(path string) error {
	return usageError{model.Errorf(model.EINVALID, "no database at %s; run gridcmd init ('gridcmd init --demo' for the demo town, or 'gridcmd import villages FILE.csv'), or pass --db", path).
		Zh("%s 处没有数据库；请运行 gridcmd init（演示镇用 'gridcmd init --demo'，或 'gridcmd import villages FILE.csv'），或用 --db 指定", path)}
}

// openCreate opens the configured database, creating it and its folder.
func (a *app) openCreate() (*store.DB, error) { return a.openFile(true, false) }

// openFile opens the configured database file itself. create makes it
// (and its folder) when there is no database yet; otherwise it must exist,
// and a blank bbolt file counts as none. readOnly opens it read-only
// (store.Options.ReadOnly).
func (a *app) openFile(create, readOnly bool) (*store.DB, error) {
	opts, err := a.storeOptions()
	if err != nil {
		return nil, err
	}
	if create {
		if err := os.MkdirAll(filepath.Dir(a.cfg.DB), 0o700); err != nil {
			return nil, fmt.Errorf("database folder: %w", err)
		}
		return store.Open(a.cfg.DB, opts)
	}
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	opts.MustExist, opts.ReadOnly = true, readOnly
	db, err := store.Open(a.cfg.DB, opts)
	if model.ErrorCode(err) == model.ENOTFOUND { // a blank bbolt file: no database (the cli's words)
		return nil, noDatabase(a.cfg.DB)
	}
	return db, err
}

// actor resolves who acts: --by, else --as, else the configured operator,
// else the first duty officer on duty.
func (a *app) actor(ctx context.Context, svc model.Service, by string) (model.PersonID, error) {
	for _, s := range []string{by, a.asFlag, a.cfg.Operator} {
		if s == "" {
			continue
		}
		id, err := model.ParsePersonID(s)
		if err != nil {
			return 0, usageError{err}
		}
		if _, err := svc.Person(ctx, id); err != nil {
			return 0, err
		}
		return id, nil
	}
	officers, err := svc.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	if err != nil {
		return 0, err
	}
	officers = a.notFederated(officers)
	for _, p := range officers {
		if p.OnDuty {
			return p.ID, nil
		}
	}
	if len(officers) > 0 {
		return officers[0].ID, nil
	}
	return 0, usageError{errNoOperator}
}

// errNoOperator is actor's refusal when the roster has no duty officer.
var errNoOperator = model.Errorf(model.EINVALID, "no operator: the roster has no duty officer; import the roster ('gridcmd import roster FILE.csv'), then pass --as P.. (--by P.. where a command takes it) or set operator in config.yaml").
	Zh("没有操作员：名册中没有值班员；请导入名册（'gridcmd import roster FILE.csv'），再用 --as P..（命令接受 --by 时用 --by P..）或在 config.yaml 中设置 operator")

// seat is the console's seat: the operator's room (model.SeatOf); with no
// duty officer on the roster, a read-only seat over the whole file that
// says why and what to do (model.NoOperator). An operator named but not on
// the roster is an error.
func (a *app) seat(ctx context.Context, svc model.Service) (model.Seat, error) {
	id, err := a.actor(ctx, svc, "")
	if u, ok := err.(usageError); ok && u.error == errNoOperator {
		// Read-only, over the file's one root where it has one: a
		// province file then opens as a province room does, by its
		// stored figures, not by reading every node.
		tops, err := svc.Subtree(ctx, "", 0)
		if err != nil {
			return model.Seat{}, err
		}
		roots := make([]model.NodeCode, len(tops))
		for i, n := range tops {
			roots[i] = n.Code
		}
		return model.ReadOnlySeat(roots, model.NoOperator()), nil
	}
	if err != nil {
		return model.Seat{}, err
	}
	p, err := svc.Person(ctx, id)
	if err != nil {
		return model.Seat{}, err
	}
	return model.SeatOf(p), nil
}
