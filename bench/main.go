// Command bench prints the whole-process figures that `go test -bench`
// cannot measure: the wall time and peak resident memory of the `worklist`
// subcommand, and the peak resident memory of the console while a nurse
// browses a large cache in a real terminal (tmux).
//
//	go build -o /tmp/th ./cmd/telehjerte-tui
//	/tmp/th seed --patients 2000 --days 365 --out /tmp/big.sqlite
//	go run ./bench --bin /tmp/th --cache /tmp/big.sqlite
//
// `bench arrivals` measures readings arriving at the central (see
// arrivals.go); `bench sync` the console's initial sync against the
// decode-then-insert limit and incremental rounds (see syncbench.go);
// `bench idle` the console's CPU while nobody touches it (idle.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "arrivals" {
		if err := arrivalsMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench arrivals:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "sync" {
		if err := syncMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench sync:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "idle" {
		if err := idleMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench idle:", err)
			os.Exit(1)
		}
		return
	}
	bin := flag.String("bin", "", "the telehjerte-tui binary")
	cachePath := flag.String("cache", "", "a seeded cache file")
	runs := flag.Int("runs", 10, "runs per worklist format")
	flag.Parse()
	if *bin == "" || *cachePath == "" {
		fmt.Fprintln(os.Stderr, "usage: bench --bin BINARY --cache FILE")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := run(ctx, *bin, *cachePath, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin, cachePath string, runs int) error {
	home, err := os.MkdirTemp("", "telehjerte-bench-")
	if err != nil {
		return fmt.Errorf("temp home: %w", err)
	}
	defer os.RemoveAll(home)
	env := append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home, "XDG_STATE_HOME="+home, "XDG_CONFIG_HOME="+home)
	for _, format := range []string{"json", "table", "csv"} {
		var walls []time.Duration
		var peak int64
		for range runs {
			cmd := exec.CommandContext(ctx, bin, "--cache", cachePath, "worklist", "--format", format)
			cmd.Env = env
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("worklist --format %s: %w: %s", format, err, firstLine(out))
			}
			walls = append(walls, time.Since(start))
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				peak = max(peak, ru.Maxrss) // KiB on Linux
			}
		}
		slices.Sort(walls)
		fmt.Printf("worklist --format %-5s  median %6.1f ms  min %6.1f ms  max %6.1f ms  peak RSS %5.1f MB  (%d runs; target 300 ms, 150 MB)\n",
			format, ms(walls[len(walls)/2]), ms(walls[0]), ms(walls[len(walls)-1]), float64(peak)/1024, runs)
	}
	hwm, err := consoleRSS(ctx, bin, cachePath, env)
	if err != nil {
		return err
	}
	fmt.Printf("console peak RSS after browsing (worklist, all patients, 20 patient views): %.1f MB (target 150 MB)\n", float64(hwm)/1024)
	return nil
}

// consoleRSS runs the console in a private tmux server, browses the
// worklist and 20 patients, and reads the process's peak resident set.
func consoleRSS(ctx context.Context, bin, cachePath string, env []string) (int64, error) {
	sock := "telehjerte-bench-" + strconv.Itoa(os.Getpid())
	tmux := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "tmux", append([]string{"-L", sock}, args...)...)
		cmd.Env = env
		return cmd.CombinedOutput()
	}
	defer tmux("kill-server")
	abs, err := filepath.Abs(bin)
	if err != nil {
		return 0, err
	}
	out, err := tmux("new-session", "-d", "-x", "120", "-y", "40", "-P", "-F", "#{pane_pid}",
		"exec env TERM=xterm-256color "+abs+" --cache "+cachePath)
	if err != nil {
		return 0, fmt.Errorf("start console in tmux: %w: %s", err, firstLine(out))
	}
	pid := strings.TrimSpace(string(out))
	if err := waitFor(ctx, func() bool { s, _ := tmux("capture-pane", "-p"); return strings.Contains(string(s), "CPR") }); err != nil {
		return 0, fmt.Errorf("console did not show the worklist: %w", err)
	}
	keys := []string{"a"}
	for range 20 {
		keys = append(keys, "Enter", "Tab", "Tab", "Escape", "j")
	}
	for _, k := range keys {
		if _, err := tmux("send-keys", k); err != nil {
			return 0, fmt.Errorf("send %s: %w", k, err)
		}
		time.Sleep(50 * time.Millisecond) // pace like a fast typist; not an assertion
	}
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, fmt.Errorf("read console status: %w", err)
	}
	tmux("send-keys", "q")
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

func waitFor(ctx context.Context, ok func() bool) error {
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			return errors.New("timed out after 30 s")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}
