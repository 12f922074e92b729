package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/cli"
	"gridcmd/store"
)

// backup FILE --force replaces only a regular file: a FIFO, a link, a
// directory or (as root) a device node at FILE is refused, with or without
// --force, naming what it is, and stays as it was.
func TestBackupRefusesWhatIsNotARegularFile(t *testing.T) {
	e := demoEnv(t)
	kinds := map[string]string{}
	fifo := e.path("fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	kinds[fifo] = "is a FIFO (named pipe)"
	target := e.write("target.txt", "keep me")
	link := e.path("link.db")
	require.NoError(t, os.Symlink(target, link))
	kinds[link] = "is a symbolic link"
	dir := e.path("folder")
	require.NoError(t, os.Mkdir(dir, 0o700))
	kinds[dir] = "is a directory"
	if os.Geteuid() == 0 {
		null := e.path("null")
		require.NoError(t, syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)))
		kinds[null] = "is a character device"
	} else {
		t.Log("not root: no character device made")
	}
	for path, kind := range kinds {
		before, err := os.Lstat(path)
		require.NoError(t, err)
		for _, args := range [][]string{{"backup", path, "--force"}, {"backup", path}} {
			fails(t, e.run(args...), cli.ExitUsage, path+" "+kind+"; backup writes only to a regular file")
			after, err := os.Lstat(path)
			require.NoError(t, err)
			assert.Equal(t, before.Mode(), after.Mode(), path)
			assert.True(t, os.SameFile(before, after), "%s was replaced", path)
		}
	}
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(b), "the link was not followed")
	left, err := filepath.Glob(e.path(".*tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left)
}

// bin runs the built binary on the test's database (a crash is then an
// exit status, not the end of the test process).
func (e *env) bin(args ...string) result {
	e.t.Helper()
	r, _ := runBinary(e.t, 30*time.Second, append([]string{"--config", e.config, "--db", e.db}, args...)...)
	return r
}

// A truncated database is one line and exit 1 for every command, check
// and serve included (bbolt panicked on it, exit 2 with a goroutine dump),
// and is not written.
func TestTruncatedDatabaseIsOneLine(t *testing.T) {
	e := demoEnv(t)
	fi, err := os.Stat(e.db)
	require.NoError(t, err)
	require.Greater(t, fi.Size(), int64(100000))
	raw, err := bolt.Open(e.db, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	var need int64
	require.NoError(t, raw.View(func(tx *bolt.Tx) error { need = tx.Size(); return nil }))
	require.NoError(t, raw.Close())
	require.Greater(t, need, int64(100000))
	require.NoError(t, os.Truncate(e.db, 100000))
	hash := fileHash(t, e.db)
	want := fmt.Sprintf("gridcmd: database %s is truncated: 100000 bytes, its pages need %d\n", e.db, need)
	for _, args := range [][]string{
		{"stats"}, {"check"}, {"serve", "--addr", "127.0.0.1:0"}, {"tower"}, {"incidents"},
		{"report", "--node", "330784114266-02", "--category", "fire", "--severity", "I", "--title", "仓库起火"},
		{"backup", e.path("copy.db")},
	} {
		r := e.bin(args...)
		fails(t, r, cli.ExitUsage)
		assert.Equal(t, want, r.err, "%s", r)
	}
	assert.Equal(t, hash, fileHash(t, e.db))
	assert.NoFileExists(t, e.path("copy.db"))
}

// Only the commands that create make a database: every other one, given
// no file or an empty one, says there is none and leaves it as it was.
func TestOnlyInitMakesADatabase(t *testing.T) {
	e := newEnv(t)
	empty := e.write("empty.db", "")
	missing := e.path("missing.db")
	for _, db := range []string{empty, missing} {
		for _, args := range [][]string{
			{"stats"}, {"check"}, {"tower"}, {"incidents"}, {"show", "HJ-20261129-0001"},
			{"people"}, {"wartime", "status"}, {"directive", "show", "D-0001"}, {"backup", e.path("copy.db")},
			{"report", "--node", "330784114266-02", "--category", "fire", "--severity", "I", "--title", "仓库起火"},
			{"import", "roster", e.write("roster.csv", "name,phone,role,node\n")},
			{"token", "list"},
		} {
			r := e.raw(append([]string{"--config", e.config, "--db", db}, args...)...)
			fails(t, r, cli.ExitUsage, "no database at "+db+"; run gridcmd init")
		}
		r, _ := runBinary(t, 30*time.Second, "--config", e.config, "--db", db, "serve", "--addr", "127.0.0.1:0")
		fails(t, r, cli.ExitUsage, "no database at "+db+"; run gridcmd init")
	}
	fi, err := os.Stat(empty)
	require.NoError(t, err)
	assert.Zero(t, fi.Size(), "the empty file is still empty")
	assert.NoFileExists(t, missing)
	assert.NoFileExists(t, e.path("copy.db"))

	// init makes one, in the empty file too.
	e.db = empty
	assert.Equal(t, empty+" exists and is empty; next: gridcmd import villages FILE.csv\n", e.ok("init"))
	assert.Equal(t, empty+": ok\n", e.ok("check"))
}

// The commands that only look open the file read-only: they run while
// another reader holds it (bbolt's shared lock), on a file its owner may
// only read, and leave its bytes and mtime as they were, with no pid file.
// (The tests run as root, which ignores 0400; the shared lock is what
// shows the open is read-only.)
func TestLookingOpensReadOnly(t *testing.T) {
	e := demoEnv(t)
	id := e.incidents("--open")[0].ID
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h")
	require.NoError(t, os.Chmod(e.db, 0o400))
	hash := fileHash(t, e.db)
	fi0, err := os.Stat(e.db)
	require.NoError(t, err)
	reader, err := store.Open(e.db, store.Options{ReadOnly: true, Timeout: time.Second})
	require.NoError(t, err)
	defer reader.Close()
	for _, args := range [][]string{
		{"stats"}, {"stats", "--json"}, {"tower", "--depth", "-1"}, {"people", "--role", "duty_officer"},
		{"incidents"}, {"show", id}, {"check"}, {"wartime", "status"}, {"wartime", "report"},
		{"directive", "show", "D-0001"}, {"directive", "show", "D-0001", "--json"},
		{"directive", "issue", "--to", "town", "--text", "再查一遍", "--deadline", "2h", "--dry-run"},
	} {
		r := e.bin(args...)
		require.Equal(t, cli.ExitOK, r.code, "%s", r)
		assert.NoFileExists(t, e.db+".pid")
	}
	// A command that acts needs the file to itself.
	r := e.bin("report", "--node", "330784114266-02", "--category", "fire", "--severity", "I", "--title", "仓库起火")
	fails(t, r, cli.ExitUsage, "in use")
	require.NoError(t, reader.Close())
	assert.Equal(t, hash, fileHash(t, e.db))
	fi1, err := os.Stat(e.db)
	require.NoError(t, err)
	assert.Equal(t, fi0.ModTime(), fi1.ModTime())
}

// directive progress: --of at most the unit's households, --done not down
// without --note.
func TestDirectiveProgressBounds(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h")
	unit := "330784114266-02-01" // 69 households
	progress := func(args ...string) result {
		return e.run(append([]string{"directive", "progress", "D-0001", "--unit", unit}, args...)...)
	}
	fails(t, progress("--done", "9223372036854775806", "--of", "9223372036854775806"), cli.ExitUsage,
		"progress 9223372036854775806/9223372036854775806: 渎溪村 02-01 "+unit+" has 69 households; of may not be more")
	fails(t, progress("--done", "1", "--of", "70"), cli.ExitUsage, "has 69 households")
	assert.Equal(t, "D-0001 "+unit+": 40/69\n", e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "40", "--of", "69"))
	fails(t, progress("--done", "30", "--of", "69"), cli.ExitRefused,
		"progress 30/69: 渎溪村 02-01 "+unit+" already reported 40 done; a lower figure needs a note saying why")
	assert.Equal(t, "D-0001 "+unit+": 30/69\n", e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "30", "--of", "69", "--note", "复核：10 户重复登记"))
}

// directive ack and progress from the command line are refused to anyone
// whose scope does not cover the unit, as the field API refuses them (the
// QA's finding: 渎溪村's cadre, a grid worker of 渎溪村 01 and household
// contacts signed for 上京岭村 01-01 on its behalf); nothing is signed.
func TestDirectiveAckOutsideScopeRefused(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	e.ok("directive", "issue", "--to", "330784114262", "--text", "转移低洼户", "--deadline", "90m")
	const unit = "330784114262-01-01"
	for _, c := range []struct{ flag, who, name, scope string }{
		{"--as", "P2422", "应海霞", "渎溪村 330784114266"},                    // 渎溪村's cadre
		{"--as", "P2427", "李俊美", "渎溪村 01 330784114266-01"},              // a part-time grid worker of 渎溪村 01
		{"--as", "P1933", "楼爱", "上京岭村 01-01-02 330784114262-01-01-02"},  // a household contact under the unit
		{"--by", "P1932", "胡平珍", "上京岭村 01-01-01 330784114262-01-01-01"}, // another
	} {
		want := c.who + " (" + c.name + ") may act only within " + c.scope + "; 上京岭村 01-01 " + unit + " is outside it"
		fails(t, e.run("directive", "ack", "D-0001", "--unit", "上京岭村 01-01", c.flag, c.who), cli.ExitRefused, want)
		fails(t, e.run("directive", "progress", "D-0001", "--unit", "上京岭村 01-01", "--done", "1", "--of", "5", c.flag, c.who), cli.ExitRefused, want)
	}
	var show directiveJSON
	e.okJSON(&show, "directive", "show", "D-0001", "--json")
	assert.Equal(t, 0, show.Signed)

	cadre := e.personAt("330784114262", "village_cadre") // 上京岭村's own room may
	out := e.ok("directive", "ack", "D-0001", "--unit", "上京岭村 01-01", "--by", cadre)
	assert.Contains(t, out, "on the unit's behalf (代签)")
}

// directive ack by someone above the unit is on its behalf (代签): said so,
// shown apart by directive show (text and --json), and not in its sign-for
// times.
func TestDirectiveSignOnBehalf(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h")
	unit := "330784114266-02-01"
	e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "30", "--of", "69") // the unit's own worker

	// The village cadre signs for a silent unit by phone.
	silent := "330784114266-01-01"
	cadre := e.personAt("330784114266", "village_cadre")
	out := e.ok("directive", "ack", "D-0001", "--unit", silent, "--by", cadre)
	assert.Regexp(t, `^D-0001 `+silent+`: signed for at [0-9:]{8} by \S+ \(`+cadre+`\) on the unit's behalf \(代签\) \(\S+ after issue\)\n$`, out)
	var u unitJSON
	e.okJSON(&u, "directive", "ack", "D-0001", "--unit", silent, "--json")
	assert.True(t, u.OnBehalf)
	assert.Equal(t, cadre, u.SignedBy)

	var show directiveJSON
	e.okJSON(&show, "directive", "show", "D-0001", "--json")
	assert.Equal(t, 2, show.Signed)
	assert.Equal(t, 1, show.OnBehalf, "the progress report was the unit's own")
	for _, x := range show.UnitList {
		switch x.Unit {
		case silent:
			assert.True(t, x.OnBehalf)
			assert.Equal(t, cadre, x.SignedBy)
		case unit:
			assert.False(t, x.OnBehalf)
		default:
			assert.False(t, x.OnBehalf, x.Unit)
		}
	}
	text := e.ok("directive", "show", "D-0001")
	assert.Contains(t, text, "signed 2/232 (1 on the unit's behalf, 代签, not in the sign-for times), done 0/232")
	assert.Contains(t, text, "\nsigned on the unit's behalf (代签): 1\n")
	// The unit's worker and phone, as the console's directive pane shows
	// them, apart from who signed for it; done of its households while it
	// has not reported (80 at 渎溪村 01-01).
	var worker personJSON
	for _, x := range show.UnitList {
		if x.Unit == silent {
			for _, p := range e.people("--node", silent) {
				if p.ID == x.Worker {
					worker = p
				}
			}
		}
	}
	require.NotEmpty(t, worker.Phone, "the worker of %s", silent)
	assert.Regexp(t, `(?m)^unit\s+name\s+worker\s+signed by\s+signed after\s+done$`, text)
	assert.Regexp(t, `(?m)^`+silent+`\s+渎溪村 01-01\s+`+worker.Name+` `+worker.Phone+`\s+\S+ \(`+cadre+`\)\s+\S+\s+0/80$`, text)
	e.okJSON(&show, "directive", "show", "D-0001", "--json")
	text = e.ok("directive", "show", "D-0001")
	assert.NotContains(t, text, " 0/0 ")
	for _, x := range show.Slowest {
		assert.Regexp(t, `(?m)^`+x.Unit+`\s+\S+ \S+\s+`+x.WorkerName+` 1[0-9]{10}\s+(silent|\S+)( 代签)?\s+[0-9]+/[1-9][0-9]*\s`, text)
	}

	// Only signatures on the units' behalf: no sign-for time to show.
	e.ok("directive", "issue", "--to", "330784114266", "--text", "清点物资", "--deadline", "1h")
	e.ok("directive", "ack", "D-0002", "--unit", silent, "--by", cadre)
	text = e.ok("directive", "show", "D-0002")
	assert.Contains(t, text, "signed 1/11 (1 on the unit's behalf, 代签, not in the sign-for times), done 0/11, escalated 0; sign-for median -, worst -")
}
