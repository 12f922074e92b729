package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"gridcmd/importer"
)

// The scale benchmarks run the built gridcmd as a process of its own, as
// an officer does, so that its wall time and its peak resident memory
// (getrusage's ru_maxrss) are the command's alone.

// gridcmdRun runs the built binary on db with args and returns its wall
// time and peak resident memory in bytes.
func gridcmdRun(b *testing.B, db string, args ...string) (time.Duration, int64, []byte) {
	b.Helper()
	cfg, err := filepath.Abs("../config.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(binary, append([]string{"--config", cfg, "--db", db}, args...)...)
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+b.TempDir(), "XDG_CONFIG_HOME="+b.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("gridcmd %v: %v\n%s", args, err, errb.String())
	}
	took := time.Since(start)
	return took, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024, out.Bytes()
}

// syntheticList writes a division list of n villages (importer's synthetic
// province) into dir.
func syntheticList(b *testing.B, dir string, n int) string {
	b.Helper()
	path := filepath.Join(dir, "list.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := importer.WriteSyntheticList(f, n); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkImportProvince imports a 25,000-village province (about 1.8
// million nodes, made by the generator: the real list is not shipped) into
// a fresh file with 'gridcmd import villages', one process per op.
// Goals: ≤ 15 s and ≤ 500 MB resident.
func BenchmarkImportProvince(b *testing.B) {
	dir := b.TempDir()
	list := syntheticList(b, dir, 25_000)
	var rss int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db := filepath.Join(dir, "p.db")
		_ = os.Remove(db)
		_, r, _ := gridcmdRun(b, db, "import", "villages", list)
		rss = max(rss, r)
	}
	b.ReportMetric(float64(rss)/1e6, "MB-rss")
}

// BenchmarkTowerJSON is 'gridcmd tower TOWN --json' of one town, a process
// per op, in a file holding the province of 25,000 villages and, side by
// side, in one holding that town alone. Goal: ≤ 0.2 s in the province.
func BenchmarkTowerJSON(b *testing.B) {
	for _, tt := range []struct {
		name     string
		villages int
	}{{"town-alone", importer.SyntheticVillagesPerTown}, {"province", 25_000}} {
		b.Run(tt.name, func(b *testing.B) {
			dir := b.TempDir()
			db := filepath.Join(dir, "p.db")
			gridcmdRun(b, db, "import", "villages", syntheticList(b, dir, tt.villages))
			var rss int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, r, out := gridcmdRun(b, db, "tower", importer.SyntheticTown, "--json")
				if !bytes.Contains(out, []byte(`"code": "`+importer.SyntheticTown+`"`)) {
					b.Fatalf("tower printed %.200s", out)
				}
				rss = max(rss, r)
			}
			b.ReportMetric(float64(rss)/1e6, "MB-rss")
		})
	}
}

// BenchmarkConsoleFirstFrame is the console's first full frame (120x40)
// for a duty officer's seat, in a gridcmd process of its own per op ('bench
// frame': the file opened, the seat's snapshot read, the frame drawn),
// with the process's peak resident memory: the town seat in a file holding
// its town alone and, side by side, in a 25,000-village province; the city
// seat (3,300 villages) in the province. Goals: the town seat ≤ 0.5 s and
// within 1.5x of its town alone, ≤ 150 MB; the city seat ≤ 1 s.
func BenchmarkConsoleFirstFrame(b *testing.B) {
	var provinceDB string // made once, for the two seats in it
	province := func(b *testing.B) string {
		if provinceDB == "" {
			dir, err := os.MkdirTemp("", "gridcmd-province-")
			if err != nil {
				b.Fatal(err)
			}
			provinceDB = filepath.Join(dir, "p.db")
			gridcmdRun(b, provinceDB, "import", "villages", syntheticList(b, dir, 25_000))
		}
		return provinceDB
	}
	defer func() {
		if provinceDB != "" {
			os.RemoveAll(filepath.Dir(provinceDB))
		}
	}()
	for i, tt := range []struct {
		name, seat string
		inProvince bool
	}{
		{"town-alone", importer.SyntheticTown, false},
		{"town-in-province", importer.SyntheticTown, true},
		{"city-in-province", importer.SyntheticCity, true},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var db string
			if tt.inProvince {
				db = province(b)
			} else {
				dir := b.TempDir()
				db = filepath.Join(dir, "t.db")
				gridcmdRun(b, db, "import", "villages", syntheticList(b, dir, importer.SyntheticVillagesPerTown))
			}
			roster := filepath.Join(b.TempDir(), "roster.csv")
			csv := fmt.Sprintf("name,phone,role,node,on_duty\n值班%d,1380000%04d,duty_officer,%s,yes\n", i, i, tt.seat)
			if err := os.WriteFile(roster, []byte(csv), 0o600); err != nil {
				b.Fatal(err)
			}
			gridcmdRun(b, db, "import", "roster", roster)
			_, _, out := gridcmdRun(b, db, "people", "--role", "duty_officer", "--json")
			var people []struct {
				ID   string `json:"id"`
				Node string `json:"node"`
			}
			if err := json.Unmarshal(out, &people); err != nil {
				b.Fatalf("people: %v %.200s", err, out)
			}
			as := ""
			for _, p := range people {
				if p.Node == tt.seat {
					as = p.ID
				}
			}
			if as == "" {
				b.Fatalf("no duty officer at %s: %.200s", tt.seat, out)
			}
			var secs float64
			var rss int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, _, out := gridcmdRun(b, db, "--as", as, "bench", "frame")
				var fr struct {
					S   float64 `json:"first_frame_seconds"`
					RSS int64   `json:"rss_bytes"`
				}
				if err := json.Unmarshal(out, &fr); err != nil {
					b.Fatalf("bench frame: %v %.200s", err, out)
				}
				secs += fr.S
				rss = max(rss, fr.RSS)
			}
			b.ReportMetric(secs/float64(b.N), "s-first-frame")
			b.ReportMetric(float64(rss)/1e6, "MB-rss")
		})
	}
}
