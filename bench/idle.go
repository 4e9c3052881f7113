package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/demo"
)

// idleMain is `bench idle`: the CPU the console uses while nobody touches
// it, read from /proc/<pid>/stat (user + system time) of the real binary
// in a private tmux server, synced to a central on loopback (served by
// this process, so its own CPU is not counted). Measured twice: with sync
// rounds every --interval, and with rounds out of the way (an interval of
// an hour), which is the console between rounds.
func idleMain(args []string) error {
	fs := flag.NewFlagSet("idle", flag.ExitOnError)
	bin := fs.String("bin", "", "the telehjerte-tui binary")
	patients := fs.Int("patients", 20, "patients in the clinic")
	days := fs.Int("days", 30, "days of readings")
	seconds := fs.Int("seconds", 60, "how long each measurement lasts")
	interval := fs.Duration("interval", 15*time.Second, "sync interval of the first measurement")
	dir := fs.String("dir", "", "where to keep the seeded database (default: a temporary directory, removed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" {
		return errors.New("--bin is required")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	base, done, err := benchDir(*dir)
	if err != nil {
		return err
	}
	defer done()
	fmt.Printf("load average at start: %s\n", loadAvg())
	path := filepath.Join(base, fmt.Sprintf("central-p%d-d%d.db", *patients, *days))
	if _, err := seededCentral(ctx, path, *patients, *days); err != nil {
		return err
	}
	st, err := central.OpenStore(ctx, path, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	// Opened here, not by serveCentral: the access log is read from it.
	_, url, stop, err := serveNurse(st, nil)
	if err != nil {
		return err
	}
	defer stop()
	for _, iv := range []time.Duration{*interval, time.Hour} {
		u, err := idleCPU(ctx, *bin, base, url, iv, time.Duration(*seconds)*time.Second, func(since time.Time) (int, error) {
			acc, err := st.AccessLog(ctx, since)
			return len(acc), err
		})
		if err != nil {
			return err
		}
		what := fmt.Sprintf("sync every %s", iv)
		if iv == time.Hour {
			what = "between rounds (no round in the window)"
		}
		fmt.Printf("console idle %ds, %s: CPU %.2f s = %.3f %% of one core; %d context switches (%.1f/s); %d entries in the central's access log (%.1f/min)\n",
			*seconds, what, u.cpu.Seconds(), 100*u.cpu.Seconds()/float64(*seconds), u.switches, float64(u.switches)/float64(*seconds),
			u.logged, float64(u.logged)*60/float64(*seconds))
	}
	fmt.Printf("load average at end: %s\n", loadAvg())
	return nil
}

type usage struct {
	cpu      time.Duration
	switches int64
	logged   int // the central's access-log entries in the window
}

// idleCPU starts the console on a fresh cache syncing every interval,
// waits until it shows itself online, and measures its CPU over window,
// and with logged the central's access-log entries of the window.
func idleCPU(ctx context.Context, bin, dir, url string, interval, window time.Duration, logged func(since time.Time) (int, error)) (usage, error) {
	home, err := os.MkdirTemp(dir, "idle-home-")
	if err != nil {
		return usage{}, err
	}
	defer os.RemoveAll(home)
	abs, err := filepath.Abs(bin)
	if err != nil {
		return usage{}, err
	}
	env := []string{"HOME=" + home, "XDG_DATA_HOME=" + home, "XDG_STATE_HOME=" + home, "XDG_CONFIG_HOME=" + home,
		"PATH=" + os.Getenv("PATH"), "TERM=xterm-256color",
		"TELEHJERTE_CENTRAL_URL=" + url, "TELEHJERTE_CENTRAL_TOKEN=" + benchNurseToken, "TELEHJERTE_USER=" + demo.NurseA,
		"TELEHJERTE_CACHE_PATH=" + filepath.Join(home, "cache.sqlite"), "TELEHJERTE_SYNC_INTERVAL=" + interval.String()}
	sock := "telehjerte-idle-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(int64(interval/time.Second), 10)
	tmux := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "tmux", append([]string{"-L", sock}, args...)...)
		cmd.Env = env
		return cmd.CombinedOutput()
	}
	defer tmux("kill-server")
	out, err := tmux("new-session", "-d", "-x", "120", "-y", "40", "-P", "-F", "#{pane_pid}", "exec env "+strings.Join(env, " ")+" "+abs)
	if err != nil {
		return usage{}, fmt.Errorf("start console in tmux: %w: %s", err, firstLine(out))
	}
	pid := strings.TrimSpace(string(out))
	online := func() bool {
		s, _ := tmux("capture-pane", "-p")
		return strings.Contains(string(s), "● online") && strings.Contains(string(s), "CPR")
	}
	if err := waitFor(ctx, online); err != nil {
		s, _ := tmux("capture-pane", "-p")
		return usage{}, fmt.Errorf("console did not come online: %w\n%s", err, s)
	}
	before, err := procUsage(pid)
	if err != nil {
		return usage{}, err
	}
	began := time.Now()
	select {
	case <-ctx.Done():
		return usage{}, ctx.Err()
	case <-time.After(window):
	}
	after, err := procUsage(pid)
	if err != nil {
		return usage{}, err
	}
	n, err := logged(began)
	if err != nil {
		return usage{}, err
	}
	tmux("send-keys", "q")
	return usage{cpu: after.cpu - before.cpu, switches: after.switches - before.switches, logged: n}, nil
}

// procUsage reads the user + system time and the context switches of a
// process from /proc.
func procUsage(pid string) (usage, error) {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return usage{}, fmt.Errorf("read console stat: %w", err)
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	rest := string(stat)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return usage{}, fmt.Errorf("short /proc/%s/stat", pid)
	}
	// utime and stime are fields 14 and 15 of stat, 12 and 13 after the
	// name, in clock ticks (100 a second on Linux).
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return usage{}, fmt.Errorf("/proc/%s/stat: %w", pid, err)
	}
	u := usage{cpu: time.Duration(ut+st) * (time.Second / 100)}
	// Context switches are counted per thread: the wake-ups of every
	// thread of the process.
	tasks, err := filepath.Glob("/proc/" + pid + "/task/*/status")
	if err != nil || len(tasks) == 0 {
		return usage{}, fmt.Errorf("threads of %s: %v", pid, err)
	}
	for _, task := range tasks {
		status, err := os.ReadFile(task)
		if err != nil {
			continue // the thread ended
		}
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) == 2 && strings.HasSuffix(f[0], "ctxt_switches:") {
				n, err := strconv.ParseInt(f[1], 10, 64)
				if err != nil {
					return usage{}, fmt.Errorf("%s: %w", task, err)
				}
				u.switches += n
			}
		}
	}
	return u, nil
}
