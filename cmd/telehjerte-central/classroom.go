package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/central/classroom"
	"github.com/telehjerte/telehjerte-tui/config"
)

// classroomCmd runs training sessions: a training central started from a
// scenario with one login per trainee, and the instructor's controls and
// view, which work on the classroom's database (the serving central picks
// up a moved clock within a second).
func classroomCmd() *cobra.Command {
	c := &cobra.Command{Use: "classroom", Short: "Run a training session from a scenario (instructor)"}
	c.AddCommand(classroomStartCmd(), classroomClockCmd(), classroomFireCmd(), classroomResetCmd(), classroomStatusCmd(), classroomScenariosCmd())
	return c
}

func clinicLoc() (*time.Location, error) {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		return nil, fmt.Errorf("load Europe/Copenhagen: %w", err)
	}
	return loc, nil
}

// loadScenario reads a shipped scenario by name, or a scenario file.
func loadScenario(arg string) (*classroom.Scenario, []byte, error) {
	if !strings.ContainsAny(arg, "/.") {
		sc, err := classroom.LoadShipped(arg)
		if err != nil {
			return nil, nil, err
		}
		b, _ := classroom.ShippedSource(arg)
		return sc, b, nil
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		return nil, nil, fmt.Errorf("scenario: %w", err)
	}
	sc, err := classroom.Parse(b, arg)
	return sc, b, err
}

func classroomScenariosCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "scenarios",
		Short: "List the shipped scenarios, or check a scenario file: scenarios [FILE]",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if len(args) == 1 {
				sc, _, err := loadScenario(args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%s: %s, %d patients, %d events, %d cases: valid\n", args[0], sc.Title, len(sc.Patients), len(sc.Events), len(sc.Cases))
				return nil
			}
			for _, n := range classroom.Shipped() {
				sc, err := classroom.LoadShipped(n)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%-16s %s (%d patients, %d cases)\n", n, sc.Title, len(sc.Patients), len(sc.Cases))
			}
			return nil
		},
	}
}

func classroomStartCmd() *cobra.Command {
	var scenario, dbPath, outDir, addr, url string
	var trainees int
	var running bool
	var every time.Duration
	c := &cobra.Command{
		Use:   "start",
		Short: "Start a training central from a scenario with one login per trainee",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if trainees < 1 || trainees > 99 {
				return fmt.Errorf("--trainees %d: give 1–99", trainees)
			}
			sc, src, err := loadScenario(scenario)
			if err != nil {
				return err
			}
			loc, err := clinicLoc()
			if err != nil {
				return err
			}
			if _, err := os.Stat(dbPath); err == nil {
				return fmt.Errorf("%s exists: a classroom starts on a new database (a real one is never turned into a training one); give another --db", dbPath)
			}
			if err := os.MkdirAll(outDir, 0o700); err != nil {
				return fmt.Errorf("logins directory: %w", err)
			}
			store, err := central.OpenStore(ctx, dbPath, nil)
			if err != nil {
				return err
			}
			defer store.Close()
			sess := &classroom.Session{Store: store, Scenario: sc, Trainees: classroom.Trainees(trainees), Loc: loc, Source: src}
			tokens := map[string]central.TokenSpec{}
			logins := make([]string, len(sess.Trainees))
			for i, t := range sess.Trainees {
				tok, err := newToken()
				if err != nil {
					return err
				}
				tokens[tok] = central.TokenSpec{Principal: "Practitioner/" + t.Practitioner}
				logins[i] = tok
			}
			toks, err := central.NewTokenTable(tokens)
			if err != nil {
				return err
			}
			srv, err := sess.Server(toks)
			if err != nil {
				return err
			}
			if err := sess.Create(ctx, srv, sc.SessionStart(time.Now(), loc), running); err != nil {
				return err
			}
			if err := writePrivate(filepath.Join(outDir, "tokens.json"), mustJSON(tokens)); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			if url == "" {
				url = "http://" + ln.Addr().String()
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "ØVELSE %q (%s) for %d kursister på %s, database %s\n", sc.Title, sc.Name, trainees, url, dbPath)
			fmt.Fprintf(out, "%s\n\n", sess.Describe())
			for i, t := range sess.Trainees {
				cfgPath, err := writeTraineeLogin(outDir, t, logins[i], url, sc)
				if err != nil {
					ln.Close()
					return err
				}
				fmt.Fprintf(out, "%-11s telehjerte-tui --config %s\n", t.Name+":", cfgPath)
			}
			fmt.Fprintf(out, "\nUret: telehjerte-central classroom clock --db %s start|pause|resume|+1d   Status: classroom status --db %s --watch 2s\n", dbPath, dbPath)
			return serveClassroom(ctx, sess, srv, ln, every)
		},
	}
	c.Flags().StringVar(&scenario, "scenario", "forste-dag", "a shipped scenario's name (see `classroom scenarios`) or a scenario file")
	c.Flags().IntVar(&trainees, "trainees", 1, "number of trainee logins")
	c.Flags().StringVar(&dbPath, "db", "classroom.db", "the classroom's new SQLite database")
	c.Flags().StringVar(&outDir, "out", "logins", "directory for the trainees' console configs and tokens (files 0600)")
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8095", "listen address (loopback by default)")
	c.Flags().StringVar(&url, "url", "", "the URL the consoles use (default http://ADDR)")
	c.Flags().BoolVar(&running, "running", false, "start the session clock at once (default: paused at the start until `classroom clock start`)")
	c.Flags().DurationVar(&every, "tick", 2*time.Second, "how often timed events and missing measurements are looked for")
	return c
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // a map of strings always encodes
	}
	return append(b, '\n')
}

// writePrivate writes a new file readable by its owner only.
func writePrivate(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write %s (it must not exist yet): %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// writeTraineeLogin writes a trainee's token file and console config; it
// returns the config's path.
func writeTraineeLogin(dir string, t classroom.Trainee, token, url string, sc *classroom.Scenario) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	base := fmt.Sprintf("kursist-%02d", t.N)
	tokPath := filepath.Join(abs, base+".token")
	if err := writePrivate(tokPath, []byte(token+"\n")); err != nil {
		return "", err
	}
	cfg := fmt.Sprintf(`# %s – øvelse %q (%s). Træningsdata: ikke rigtige borgere.
lang: da
user: %s
cache:
  path: %s
central:
  url: %s
  token_file: %s
sync:
  interval: 3s
`, t.Name, sc.Title, sc.Name, t.Practitioner, filepath.Join(abs, base+".cache.sqlite"), url, tokPath)
	cfgPath := filepath.Join(abs, base+".yaml")
	if err := writePrivate(cfgPath, []byte(cfg)); err != nil {
		return "", err
	}
	return cfgPath, nil
}

// serveClassroom serves the FHIR API on the session clock and, every tick,
// reloads the clock (the instructor's commands move it), plays the timed
// events it has passed and lists missing measurements.
func serveClassroom(ctx context.Context, sess *classroom.Session, srv *central.Server, ln net.Listener, every time.Duration) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if err := sess.Refresh(ctx); err != nil && ctx.Err() == nil {
				log.Error("classroom clock", "err", err)
			}
			if n, err := sess.FireDue(ctx, srv); err != nil && ctx.Err() == nil {
				log.Error("classroom events", "err", err)
			} else if n > 0 {
				log.Info("classroom events played", "events", n)
			}
			if _, err := srv.ScanMissing(ctx, sess.Now()); err != nil && ctx.Err() == nil {
				log.Error("missing-measurement scan", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// withClassroom opens the classroom's database for an instructor command.
func withClassroom(cmd *cobra.Command, dbPath string, fn func(*classroom.Session, *central.Server) error) error {
	ctx := cmd.Context()
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("classroom database: %w", err)
	}
	loc, err := clinicLoc()
	if err != nil {
		return err
	}
	store, err := central.OpenStore(ctx, dbPath, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	sess, err := classroom.OpenDB(ctx, store, loc)
	if err != nil {
		return err
	}
	toks, _ := central.NewTokens(nil)
	srv, err := sess.Server(toks)
	if err != nil {
		return err
	}
	return fn(sess, srv)
}

func classroomClockCmd() *cobra.Command {
	var dbPath string
	c := &cobra.Command{
		Use:   "clock [start|pause|resume|+1d|+2h]",
		Short: "Show, start, pause, resume or advance the session clock for everyone",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withClassroom(cmd, dbPath, func(sess *classroom.Session, srv *central.Server) error {
				ctx := cmd.Context()
				if len(args) == 1 {
					var err error
					switch a := args[0]; a {
					case "start", "resume":
						err = sess.Resume(ctx)
					case "pause":
						err = sess.Pause(ctx)
					default:
						d, perr := config.ParseOffset(a)
						if perr != nil || d <= 0 {
							return fmt.Errorf("clock %q: give start, pause, resume or a step forward such as +1d or +2h", a)
						}
						if err = sess.Advance(ctx, d); err == nil {
							// What the moved clock makes due appears at once,
							// not at the serving central's next tick.
							if _, err = sess.FireDue(ctx, srv); err == nil {
								_, err = srv.ScanMissing(ctx, sess.Now())
							}
						}
					}
					if err != nil {
						return err
					}
				}
				fmt.Fprintln(cmd.OutOrStdout(), sess.Describe())
				return nil
			})
		},
	}
	c.Flags().StringVar(&dbPath, "db", "classroom.db", "the classroom's database")
	return c
}

func classroomFireCmd() *cobra.Command {
	var dbPath string
	c := &cobra.Command{
		Use:   "fire EVENT",
		Short: "Play a scenario event now for every trainee",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withClassroom(cmd, dbPath, func(sess *classroom.Session, srv *central.Server) error {
				if err := sess.FireNow(cmd.Context(), srv, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s spillet for alle kursister\n", args[0])
				return nil
			})
		},
	}
	c.Flags().StringVar(&dbPath, "db", "classroom.db", "the classroom's database")
	return c
}

func classroomResetCmd() *cobra.Command {
	var dbPath string
	var trainee int
	var all bool
	c := &cobra.Command{
		Use:   "reset --trainee N | --all",
		Short: "Put one trainee's patients (or everyone's, and the clock) back to the scenario's start",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (trainee == 0) == !all {
				return errors.New("reset: give --trainee N or --all")
			}
			return withClassroom(cmd, dbPath, func(sess *classroom.Session, srv *central.Server) error {
				ctx := cmd.Context()
				targets := sess.Trainees
				if !all {
					t, err := sess.Trainee(trainee)
					if err != nil {
						return err
					}
					targets = []classroom.Trainee{t}
				} else if err := sess.Restart(ctx); err != nil {
					return err
				}
				reset := map[int]bool{}
				for _, t := range targets {
					// In shared mode everyone works on the first trainee's copy.
					if owner := sess.CopyOwner(t); reset[owner.N] {
						continue
					} else {
						reset[owner.N] = true
					}
					if err := sess.Reset(ctx, srv, t); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s er sat tilbage til start\n", t.Name)
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&dbPath, "db", "classroom.db", "the classroom's database")
	c.Flags().IntVar(&trainee, "trainee", 0, "the trainee's number")
	c.Flags().BoolVar(&all, "all", false, "every trainee, and the clock back to the start (paused)")
	return c
}

func classroomStatusCmd() *cobra.Command {
	var dbPath, format string
	var watch time.Duration
	c := &cobra.Command{
		Use:   "status",
		Short: "The instructor's view: each trainee × case, not started / done / done wrongly with what was found",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "csv" {
				return fmt.Errorf("--format %q: table or csv", format)
			}
			return withClassroom(cmd, dbPath, func(sess *classroom.Session, _ *central.Server) error {
				ctx := cmd.Context()
				for {
					if err := sess.Refresh(ctx); err != nil {
						return err
					}
					res, err := sess.Status(ctx)
					if err != nil {
						return err
					}
					out := cmd.OutOrStdout()
					if watch > 0 {
						fmt.Fprint(out, "\x1b[H\x1b[2J")
					}
					if format == "csv" {
						err = statusCSV(out, res)
					} else {
						err = statusTable(out, sess, res)
					}
					if err != nil || watch <= 0 {
						return err
					}
					select {
					case <-ctx.Done():
						return nil
					case <-time.After(watch):
					}
				}
			})
		},
	}
	c.Flags().StringVar(&dbPath, "db", "classroom.db", "the classroom's database")
	c.Flags().StringVar(&format, "format", "table", "table or csv (for after the session)")
	c.Flags().DurationVar(&watch, "watch", 0, "redraw the table this often (0: once)")
	return c
}

func statusTable(w io.Writer, sess *classroom.Session, res []classroom.Result) error {
	fmt.Fprintf(w, "%s · %s\n\n", sess.Scenario.Title, sess.Describe())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KURSIST\tCASE\tSTATUS\tFUNDET")
	for _, r := range res {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Trainee.Name, r.Case.Title, r.State, r.Found)
	}
	return tw.Flush()
}

func statusCSV(w io.Writer, res []classroom.Result) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"trainee", "case_id", "case", "state", "found"})
	for _, r := range res {
		_ = cw.Write([]string{r.Trainee.Name, r.Case.ID, r.Case.Title, string(r.State), r.Found})
	}
	cw.Flush()
	return cw.Error()
}
