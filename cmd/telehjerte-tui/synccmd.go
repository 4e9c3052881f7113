package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/cmd/telehjerte-tui/internal/syncrun"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// syncFlags are the sync subcommand's flags.
type syncFlags struct {
	once bool
	json bool
}

func newSyncCmd(e *env) *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync --once [--json]",
		Short: "Sync the local cache with the central once (push the outbox, then pull) and report",
		Long: `Run one full sync round with the configured central (central.url): push the
outbox (oldest first), then pull every resource type from where the last
pull ended (everything on the first run). It prints what was pushed and
pulled per resource type. Every pending change is tried now, also one still
waiting out the retry delay of an earlier failure. It exits non-zero when
the round could not finish (central unreachable, token refused) or when not
everything was pushed (changes still pending, in conflict or refused);
nothing in the outbox is lost then, and the next run goes on from there. The cache (cache.path) is created if missing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !f.once {
				return errors.New("sync: only --once is supported (the console syncs in the background by itself)")
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return runSyncOnce(cmd.Context(), e.shifted(cfg.ClockOffset), cfg, f)
		},
	}
	cmd.Flags().BoolVar(&f.once, "once", false, "run one round and exit (required)")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the report as JSON")
	return cmd
}

// syncReport is the printed report (also the --json shape).
type syncReport struct {
	Central    string         `json:"central"`
	Cache      string         `json:"cache"`
	OK         bool           `json:"ok"`
	Error      string         `json:"error,omitempty"`
	DurationMS int64          `json:"duration_ms"`
	Pushed     map[string]int `json:"pushed"`
	Conflicts  map[string]int `json:"conflicts"`
	Failed     map[string]int `json:"failed"`
	Pulled     map[string]int `json:"pulled"`
	Known      int            `json:"known"`
	Parked     int            `json:"parked"`
	Pages      int            `json:"pages"`
	// MoreArriving: resources kept arriving while the round read them;
	// the round left the rest to the next one (engine.Report.More).
	MoreArriving bool `json:"more_arriving"`
	Outbox       struct {
		Pending  int `json:"pending"`
		Conflict int `json:"conflict"`
		Failed   int `json:"failed"`
	} `json:"outbox"`
}

func runSyncOnce(ctx context.Context, e *env, cfg config.Config, f syncFlags) error {
	if cfg.Mode() != config.ModeCentral {
		return fmt.Errorf("sync --once needs a central server: set central.url (%s or --central-url)",
			config.EnvName(config.KeyCentralURL))
	}
	log, closeLog := logOrWarn(e, cfg.LogFile)
	defer closeLog()
	store, err := cache.Open(ctx, cfg.CachePath, e.cacheOptions()...)
	if err != nil {
		return fmt.Errorf("sync --once: %w", err)
	}
	defer store.Close()
	cl, err := newClient(cfg)
	if err != nil {
		return fmt.Errorf("sync --once: %w", err)
	}
	if err := checkTrainingClock(ctx, cfg, store, cl); err != nil {
		return fmt.Errorf("sync --once: %w", err)
	}
	eng := newEngine(store, cl, cfg, e.now, log)
	res, runErr := syncrun.Once(ctx, eng, store)
	if runErr == nil {
		// The audit log goes to the central too (auditfwd.go).
		if n, err := newAuditForwarder(store, cl, log).forward(ctx); err != nil {
			log.Warn("audit entries not sent", "sent", n, "error_kind", syncrun.ErrorKind(err))
		} else if n > 0 {
			log.Info("audit entries sent", "sent", n)
		}
	}
	if runErr != nil {
		log.Warn("sync --once failed", "error_kind", syncrun.ErrorKind(runErr))
	} else {
		log.Info("sync --once", "pushed", total(res.Pushed), "pulled", total(res.Report.Pulled), "duration", res.Duration.Round(time.Millisecond))
	}

	rep := syncReport{Central: cfg.Central.URL, Cache: cfg.CachePath, OK: runErr == nil,
		DurationMS: res.Duration.Milliseconds(), Pushed: res.Pushed, Conflicts: res.Conflicts, Failed: res.Failed,
		Pulled: res.Report.Pulled, Known: res.Report.Known, Parked: res.Report.Parked, Pages: res.Report.Pages,
		MoreArriving: res.Report.More}
	if rep.Pulled == nil {
		rep.Pulled = map[string]int{}
	}
	rep.Outbox.Pending, rep.Outbox.Conflict, rep.Outbox.Failed = res.Outbox.Pending, res.Outbox.Conflict, res.Outbox.Failed
	var failure error
	switch {
	case runErr != nil:
		failure = explainSyncError(cfg, runErr)
	case res.Outbox.Pending+res.Outbox.Conflict+res.Outbox.Failed > 0:
		// The round finished, but not everything the nurse did is on the
		// central: the exit code must say so.
		failure = fmt.Errorf("sync --once: not everything was pushed: %d pending, %d in conflict, %d refused "+
			"(the console's Synk-problemer screen, key S, shows conflicts and refusals)",
			res.Outbox.Pending, res.Outbox.Conflict, res.Outbox.Failed)
	}
	if failure != nil {
		rep.OK, rep.Error = false, failure.Error()
	}
	w := bufio.NewWriter(e.stdout)
	if f.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = writeSyncText(w, rep)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return fmt.Errorf("sync --once: write: %w", err)
	}
	return failure
}

// explainSyncError says in plain words why a round failed. The server's
// own text is kept (the client has sanitised it) after the explanation.
func explainSyncError(cfg config.Config, err error) error {
	var why string
	switch {
	case errors.Is(err, context.Canceled):
		why = "interrupted"
	case errors.Is(err, cache.ErrSyncBusy):
		why = fmt.Sprintf("another console process is syncing the cache %s (only one may push its changes at a time)", cfg.CachePath)
	case errors.Is(err, client.ErrLoginExpired):
		why = fmt.Sprintf("login expired: the login at %s can no longer give a token; run `telehjerte-tui login`", cfg.Central.OAuth.Issuer)
	case errors.Is(err, client.ErrUnauthorized):
		why = fmt.Sprintf("the central at %s refused the token (check %s or %s)", cfg.Central.URL,
			config.KeyCentralToken, config.KeyCentralTokenFn)
	case errors.Is(err, client.ErrForbidden):
		why = fmt.Sprintf("the central at %s refused access", cfg.Central.URL)
	case client.IsRetryable(err) && client.StatusOf(err) == 0:
		why = fmt.Sprintf("cannot reach the central at %s", cfg.Central.URL)
	case client.IsRetryable(err):
		why = fmt.Sprintf("the central at %s is not answering properly (HTTP %d)", cfg.Central.URL, client.StatusOf(err))
	default:
		why = fmt.Sprintf("the sync with %s did not finish", cfg.Central.URL)
	}
	return fmt.Errorf("sync --once: %s; the outbox keeps every unsent change and the next sync goes on from here: %w", why, err)
}

func writeSyncText(w io.Writer, r syncReport) error {
	result := "ok"
	if !r.OK {
		result = "FAILED"
	}
	fmt.Fprintf(w, "sync with %s: %s in %s\n", r.Central, result, (time.Duration(r.DurationMS) * time.Millisecond).String())
	section := func(title string, counts map[string]int) {
		if len(counts) == 0 {
			fmt.Fprintf(w, "%s: nothing\n", title)
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		for _, t := range syncrun.Types(counts) {
			fmt.Fprintf(w, "  %-22s %7d\n", t, counts[t])
		}
		fmt.Fprintf(w, "  %-22s %7d\n", "total", total(counts))
	}
	section("pushed", r.Pushed)
	if len(r.Conflicts) > 0 {
		section("conflicts", r.Conflicts)
	}
	if len(r.Failed) > 0 {
		section("refused", r.Failed)
	}
	section("pulled", r.Pulled)
	fmt.Fprintf(w, "already in the cache %d, parked %d, pages %d\n", r.Known, r.Parked, r.Pages)
	if r.MoreArriving {
		fmt.Fprintln(w, "more was arriving while the round read it; the next round (or sync --once again) fetches the rest")
	}
	_, err := fmt.Fprintf(w, "outbox: %d pending, %d conflicts, %d refused\n", r.Outbox.Pending, r.Outbox.Conflict, r.Outbox.Failed)
	return err
}
