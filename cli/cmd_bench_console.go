package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/importer"
	"gridcmd/model"
	"gridcmd/ui"
)

// processStart is when this gridcmd started, near enough: the package's
// variables are set before main runs. 'bench frame' times the first frame
// from it.
var processStart = time.Now()

// consoleBench is what 'bench console' measures of one file: the console's
// first full frame for one seat, in a gridcmd process of its own, and that
// process's peak resident memory.
type consoleBench struct {
	Villages          int     `json:"villages"`
	Nodes             int     `json:"nodes"`
	FirstFrameSeconds float64 `json:"first_frame_seconds"`
	RSSBytes          int64   `json:"rss_bytes"`
}

// consoleBenchJSON is 'bench console --json': the file of --villages
// villages, the seat, and the reference beside it, the same seat in a file
// holding the seat's own division alone (omitted when the file is that
// already).
type consoleBenchJSON struct {
	consoleBench
	Seat      string        `json:"seat"`
	SeatLevel string        `json:"seat_level"`
	Width     int           `json:"width"`
	Height    int           `json:"height"`
	Reference *consoleBench `json:"reference,omitempty"`
}

func (a *app) benchConsoleCmd() *cobra.Command {
	var villages, width, height int
	var seat string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "console --villages N [--seat town|city] [--json]",
		Short: "The console's first full frame and resident memory in a file of N villages, beside the seat's division alone",
		Long: `Build a file of N villages (a synthetic province: the generator's towers
under every village, 20 villages a town, 3,300 a city), put a duty officer at
its first town (--seat town) or first city (--seat city), then open the
console for that officer in a gridcmd process of its own and time its first
full frame (from the process's start: the file opened, the seat's snapshot
read, the frame drawn at --width x --height) and its peak resident memory.
The same is done, as the reference, in a file holding the seat's town (or
city) alone. Goals: a town seat in a 25,000-village province within 0.5 s,
1.5x its town alone, and 150 MB; a city seat of 3,300 villages within 1 s.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if villages < 1 {
				return usageError{errors.New("--villages: want at least 1")}
			}
			if width < ui.MinWidth || height < ui.MinHeight {
				return usageError{fmt.Errorf("--width %d --height %d: want at least %dx%d", width, height, ui.MinWidth, ui.MinHeight)}
			}
			node, alone, err := benchSeat(seat)
			if err != nil {
				return err
			}
			res, err := a.benchConsole(cmd.Context(), villages, alone, node, width, height)
			if err != nil {
				return err
			}
			return a.answer(asJSON, res, func() { a.printConsoleBench(res) })
		},
	}
	cmd.Flags().IntVar(&villages, "villages", 25_000, "villages in the file")
	cmd.Flags().StringVar(&seat, "seat", "town", "the seat: town (the first town's duty officer) or city (the first city's)")
	cmd.Flags().IntVar(&width, "width", 120, "terminal columns of the frame")
	cmd.Flags().IntVar(&height, "height", 40, "terminal rows of the frame")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (villages, nodes, first_frame_seconds, rss_bytes, and the reference)")
	return cmd
}

// benchSeat is the node of --seat and how many villages it holds alone.
func benchSeat(seat string) (model.NodeCode, int, error) {
	switch seat {
	case "town":
		return importer.SyntheticTown, importer.SyntheticVillagesPerTown, nil
	case "city":
		return importer.SyntheticCity, importer.SyntheticVillagesPerCity, nil
	}
	return "", 0, usageError{fmt.Errorf("--seat %q: want town or city", seat)}
}

// benchConsole measures the file of villages villages and, as the
// reference, the file of the seat's division alone (alone villages) when
// that is smaller.
func (a *app) benchConsole(ctx context.Context, villages, alone int, node model.NodeCode, width, height int) (consoleBenchJSON, error) {
	dir, err := os.MkdirTemp("", "gridcmd-bench-console-")
	if err != nil {
		return consoleBenchJSON{}, err
	}
	defer os.RemoveAll(dir)
	res := consoleBenchJSON{Seat: string(node), SeatLevel: node.Level().String(), Width: width, Height: height}
	if res.consoleBench, err = a.benchConsoleFile(ctx, dir, "file", villages, node, width, height); err != nil {
		return res, err
	}
	if villages > alone {
		ref, err := a.benchConsoleFile(ctx, dir, "alone", alone, node, width, height)
		if err != nil {
			return res, err
		}
		res.Reference = &ref
	}
	return res, nil
}

// printConsoleBench is a line per file and the ratio of the two.
func (a *app) printConsoleBench(res consoleBenchJSON) {
	line := func(b consoleBench, what string) {
		fmt.Fprintf(a.out, "  %7d villages, %9d nodes: first frame %.3f s, %6.1f MB resident%s\n",
			b.Villages, b.Nodes, b.FirstFrameSeconds, float64(b.RSSBytes)/1e6, what)
	}
	fmt.Fprintf(a.out, "console, %s seat %s, %dx%d:\n", res.SeatLevel, res.Seat, res.Width, res.Height)
	line(res.consoleBench, "")
	if r := res.Reference; r != nil {
		line(*r, " (reference: the "+res.SeatLevel+" alone)")
		fmt.Fprintf(a.out, "  ratio %.2fx\n", res.FirstFrameSeconds/r.FirstFrameSeconds)
	}
}

// benchConsoleFile builds a file of villages synthetic villages in dir
// with a duty officer at node, and measures the console's first frame for
// that officer in a gridcmd process of its own (bench frame).
func (a *app) benchConsoleFile(ctx context.Context, dir, name string, villages int, node model.NodeCode, w, h int) (consoleBench, error) {
	res := consoleBench{Villages: villages}
	rows, err := syntheticRows(filepath.Join(dir, name+".csv"), villages)
	if err != nil {
		return res, err
	}
	file := filepath.Join(dir, name+".db")
	var officer model.PersonID
	if res.Nodes, officer, err = a.benchFile(ctx, file, rows, node); err != nil {
		return res, err
	}
	fr, err := a.benchFrame(ctx, file, officer, w, h)
	if err != nil {
		return res, err
	}
	res.FirstFrameSeconds, res.RSSBytes = fr.FirstFrameSeconds, fr.RSSBytes
	return res, nil
}

// syntheticRows writes the list of villages synthetic villages to list and
// reads it back, as import villages would.
func syntheticRows(list string, villages int) ([]importer.VillageRow, error) {
	f, err := os.Create(list)
	if err != nil {
		return nil, err
	}
	if _, err := importer.WriteSyntheticList(f, villages); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(list)
	if err != nil {
		return nil, err
	}
	return importer.ParseVillages(list, bytes.NewReader(raw))
}

// benchFile makes the database file of the villages' divisions with a
// duty officer at node: its nodes and the officer.
func (a *app) benchFile(ctx context.Context, file string, rows []importer.VillageRow, node model.NodeCode) (int, model.PersonID, error) {
	sub := *a
	sub.cfg.DB = file
	db, err := sub.openCreate()
	if err != nil {
		return 0, 0, err
	}
	_, nodes, err := importDivisions(ctx, db, rows, importer.GenRule{}, true, model.System, "bench console")
	var officer []model.Person
	if err == nil {
		officer, err = db.ImportPeople(ctx, []model.Person{{Name: "测试值班", Phone: "13800000001", Node: node,
			Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true}}, model.System, "bench console")
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nodes, 0, err
	}
	return nodes, officer[0].ID, nil
}

// benchFrame times the console's first frame for officer on file in a
// gridcmd process of its own (bench frame).
func (a *app) benchFrame(ctx context.Context, file string, officer model.PersonID, w, h int) (consoleBench, error) {
	self, err := os.Executable()
	if err != nil {
		return consoleBench{}, err
	}
	args := []string{"--db", file, "--as", officer.String(), "--lang", a.cfg.Lang}
	if a.cfgFile != "" {
		args = append(args, "--config", a.cfgFile)
	}
	args = append(args, "bench", "frame", "--width", fmt.Sprint(w), "--height", fmt.Sprint(h))
	child := exec.CommandContext(ctx, self, args...)
	var out, errb bytes.Buffer
	child.Stdout, child.Stderr = &out, &errb
	if err := child.Run(); err != nil {
		return consoleBench{}, fmt.Errorf("bench frame: %w: %s", err, bytes.TrimSpace(errb.Bytes()))
	}
	var fr consoleBench
	if err := json.Unmarshal(out.Bytes(), &fr); err != nil {
		return consoleBench{}, fmt.Errorf("bench frame printed %.200q: %w", out.String(), err)
	}
	return fr, nil
}

// benchFrameCmd is the process 'bench console' times: the console of the
// operator (--as) on the file, its first full frame drawn and thrown away,
// and the time from the process's start printed as JSON. Hidden: it is a
// part of bench console, not a command of its own.
func (a *app) benchFrameCmd() *cobra.Command {
	var width, height int
	cmd := &cobra.Command{
		Use:    "frame",
		Short:  "Time the console's first full frame in this process (used by bench console)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd.Context(), acting, func(ctx context.Context, db backend) error {
				seat, err := a.seat(ctx, db)
				if err != nil {
					return err
				}
				frame, err := ui.FirstFrame(db, ui.Options{Lang: a.cfg.Lang, Seat: seat, Location: a.cfg.Location, NoSweep: true}, width, height)
				if err != nil {
					return err
				}
				took := time.Since(processStart)
				if len(frame) == 0 {
					return errors.New("bench frame: the console drew nothing")
				}
				rss, err := peakRSS()
				if err != nil {
					return err
				}
				return writeJSON(a.out, consoleBench{FirstFrameSeconds: took.Seconds(), RSSBytes: rss})
			})
		},
	}
	cmd.Flags().IntVar(&width, "width", 120, "terminal columns")
	cmd.Flags().IntVar(&height, "height", 40, "terminal rows")
	return cmd
}

// peakRSS is this process's peak resident memory: VmHWM in
// /proc/self/status. Not getrusage's ru_maxrss: on Linux a process started
// by another keeps in it the resident size of its parent at the fork, so a
// small gridcmd started by a big one would report the big one's.
func peakRSS() (int64, error) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("peak resident memory: %w", err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("peak resident memory: VmHWM %q: %w", v, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("peak resident memory: no VmHWM in /proc/self/status")
}
