package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"gridcmd/model"
	"gridcmd/store"
)

func (a *app) backupCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database while it stays in use",
		Long: `Write a consistent copy of the database to FILE (a temporary file beside it,
synced and checked to open, then renamed into place). An existing FILE is
replaced only with --force, and only if it is a regular file: a directory, a
symbolic link, a device or a FIFO is refused. While a console or server holds
the database, that process writes the copy and its writes go on meanwhile.`,
		Args: exactArgs(1, "the backup file to write", "要写入的备份文件"),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Only a regular file is replaced, and a link is not followed:
			// with --force, a device node, a FIFO or a link would otherwise
			// become a regular file (as root, 'backup /dev/null --force').
			if err := store.BackupTarget(args[0]); err != nil {
				return usageError{err}
			}
			if fi, err := os.Lstat(args[0]); err == nil {
				if dbi, err := os.Stat(a.cfg.DB); err == nil && os.SameFile(fi, dbi) {
					// --force would rename the copy over the live file.
					return usageError{model.Errorf(model.EINVALID, "%s is the database itself; write the backup to another file", args[0]).
						Zh("%s 就是数据库本身；请把备份写到另一个文件", args[0])}
				}
				if !force {
					return usageError{model.Errorf(model.EINVALID, "%s exists; pass --force to overwrite it", args[0]).
						Zh("%s 已存在；覆盖请加 --force", args[0])}
				}
			}
			if c, err := a.dialHolder(); err != nil {
				return err
			} else if c != nil { // a running gridcmd holds the file: it writes the copy
				defer c.Close()
				n, err := store.WriteBackupFile(args[0], func(w io.Writer) (int64, error) {
					return c.Backup(cmd.Context(), w)
				})
				if err != nil {
					return err
				}
				fmt.Fprintf(a.out, "backup of %s written to %s (%d bytes, by the gridcmd at %s that holds it)\n", a.cfg.DB, args[0], n, c.Addr())
				return nil
			}
			db, err := a.openLocal(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.BackupFile(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "backup of %s written to %s (%d bytes)\n", a.cfg.DB, args[0], n)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists (a regular file only)")
	return cmd
}

func (a *app) checkCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the database: bbolt's own check plus the indexes against the records",
		Long: `Check the database. Exit status 0 when it is sound, 1 when problems were found (each printed).
While a console or server holds the file, that process runs the check; its writes wait meanwhile.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var check func(context.Context) ([]string, error)
			if c, err := a.dialHolder(); err != nil {
				return err
			} else if c != nil { // a running gridcmd holds the file: it checks it
				defer c.Close()
				check = c.Check
			} else { // the file itself, read-only: checking never changes it
				db, err := a.openFile(false, true)
				if err != nil {
					if store.InUse(err) {
						return heldElsewhere(err)
					}
					return err
				}
				defer db.Close()
				check = db.Check
			}
			problems, err := check(cmd.Context())
			if err != nil {
				return err
			}
			for _, p := range problems {
				fmt.Fprintln(a.out, p)
			}
			if len(problems) > 0 {
				return model.Errorf(model.EINTERNAL, "%s: %d problems found", a.cfg.DB, len(problems)).
					Zh("%s：发现 %d 个问题", a.cfg.DB, len(problems))
			}
			fmt.Fprintf(a.out, "%s: ok\n", a.cfg.DB)
			return nil
		},
	}
}

// ingestWorkers is bench ingest's default number of concurrent writers: the
// peak a typhoon night brings, every grid staff member of a town the size of
// Huajie (1,035) filing from a handheld at once. Group commit shares a
// commit's fsyncs among the writers waiting for it, so the rate grows with
// them; the README has the figures from 64 writers up.
const ingestWorkers = 1024

func (a *app) benchCmd() *cobra.Command {
	cmd := group(&cobra.Command{Use: "bench", Short: "Measure gridcmd on this machine"})
	var n, workers, rounds int
	var asJSON bool
	ingest := &cobra.Command{
		Use:   "ingest [--n N] [--workers W] [--rounds R] [--json]",
		Short: "Durable intake through the store versus raw bbolt at 1,000 puts per transaction",
		Long: `File N incidents through the real store path (validation, rules, indexes,
event log, group commit, fsync) from W goroutines on a fresh file, then
write N records of the same size with raw bbolt at 1,000 per transaction, in
the same run, and print both rates and their ratio. R rounds alternate the
two; the figures are the median round's, and every round is printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 1 {
				return usageError{errors.New("--n: want at least 1")}
			}
			if workers < 1 {
				return usageError{errors.New("--workers: want at least 1")}
			}
			if rounds < 1 {
				return usageError{errors.New("--rounds: want at least 1")}
			}
			dir, err := os.MkdirTemp("", "gridcmd-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			opts, err := a.storeOptions()
			if err != nil {
				return err
			}
			opts.Now = nil
			res, err := store.BenchIngest(dir, n, workers, rounds, opts)
			if err != nil {
				return err
			}
			return a.answer(asJSON, res, func() {
				if len(res.Rounds) > 1 {
					for i, r := range res.Rounds {
						fmt.Fprintf(a.out, "round %d: store %.0f/s, raw %.0f/s, ratio %.1f%%\n", i+1, r.StorePerSec, r.RawPerSec, 100*r.Ratio)
					}
					fmt.Fprintf(a.out, "median round:\n")
				}
				fmt.Fprintf(a.out, "store (durable, %d writers): %d incidents in %.2fs = %.0f/s (%.0f per commit)\n", workers, res.N, res.StoreSeconds, res.StorePerSec, res.MeanBatch)
				fmt.Fprintf(a.out, "raw bbolt (1,000 puts/tx):   %d records in %.2fs = %.0f/s (%d-byte records)\n", res.N, res.RawSeconds, res.RawPerSec, res.RecordBytes)
				fmt.Fprintf(a.out, "ratio: %.1f%% of the raw ceiling (goal ≥ 25%%)\n", 100*res.Ratio)
			})
		},
	}
	ingest.Flags().IntVar(&n, "n", 20000, "incidents to file")
	ingest.Flags().IntVar(&workers, "workers", ingestWorkers, "concurrent writers; the default is about one per grid staff member of Huajie (1,035) filing at once")
	ingest.Flags().IntVar(&rounds, "rounds", 3, "rounds of store then raw; the median round is reported")
	ingest.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(ingest, a.benchConsoleCmd(), a.benchFrameCmd())
	return cmd
}
