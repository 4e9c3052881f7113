package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "telehjerte-central",
		Short:         "Reference FHIR R4 central server for TeleHjerte",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), seedCmd(), scanCmd(), patientCmd(), adminCmd(), reportCmd(), classroomCmd())
	return root
}

func serveCmd() *cobra.Command {
	var addr, dbPath, tokensPath string
	var tokenFlags []string
	var scanEvery time.Duration
	var clockOffset string
	var oidcf oidcFlags
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the FHIR API (loopback by default)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			offset, err := config.ParseOffset(clockOffset)
			if err != nil {
				return fmt.Errorf("--clock-offset: %w", err)
			}
			now := shiftedClock(offset)
			toks, err := loadTokens(tokensPath, tokenFlags)
			if err != nil {
				return err
			}
			store, err := central.OpenStore(ctx, dbPath, nil)
			if err != nil {
				return err
			}
			defer store.Close()
			if name, err := store.Classroom(ctx); err != nil {
				return err
			} else if name != "" {
				// A classroom's database runs on its session clock, with its
				// trainees' logins: never served as an ordinary central.
				return fmt.Errorf("%s holds the training classroom %q; it is served by `telehjerte-central classroom start`, not serve", dbPath, name)
			}
			if offset != 0 {
				// A moved clock writes tasks and triage at a time that is not
				// now: never into real records.
				training, err := store.Training(ctx)
				if err != nil {
					return err
				}
				if !training {
					return fmt.Errorf("--clock-offset %s: %s is not a training database; a moved clock is for training and tests only (databases made by `telehjerte-central seed` are training databases)",
						config.FormatOffset(offset), dbPath)
				}
			}
			log := slog.New(slog.NewTextHandler(os.Stderr, nil))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			oidcSrv, err := oidcf.build(ln, toks, log)
			if err != nil {
				ln.Close()
				return err
			}
			srv, err := central.NewServer(central.Config{Store: store, Tokens: toks, Logger: log, Now: now, OIDC: oidcSrv})
			if err != nil {
				ln.Close()
				return err
			}
			hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute}
			if scanEvery > 0 {
				go scanLoop(ctx, srv, scanEvery, now, log)
			}
			go func() {
				<-ctx.Done()
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = hs.Shutdown(sctx)
			}()
			if offset != 0 {
				log.Warn("clock moved: triage, tasks and cover periods use a shifted time, not real time", "clock_offset", config.FormatOffset(offset))
			}
			log.Info("serving FHIR", "addr", ln.Addr().String())
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serve: %w", err)
			}
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8090", "listen address (loopback by default; put TLS in front for anything else)")
	c.Flags().StringVar(&dbPath, "db", "telehjerte-central.db", "SQLite database file")
	c.Flags().StringVar(&tokensPath, "tokens", "", `JSON file (mode 0600) of bearer tokens: {"token": "Practitioner/id" | "Patient/id" | {"principal": "Practitioner/id", "expires": "2026-06-01T00:00:00Z"}}`)
	c.Flags().StringArrayVar(&tokenFlags, "token", nil, "a bearer token as TOKEN=Practitioner/id (repeatable; visible in the process list, prefer --tokens)")
	c.Flags().DurationVar(&scanEvery, "scan-every", 5*time.Minute, "how often to create missing-measurement tasks (0 disables)")
	oidcf.add(c.Flags())
	c.Flags().StringVar(&clockOffset, "clock-offset", "0", "shift the server's \"now\" (triage, tasks, cover periods), e.g. 2d or -3h, for training and tests")
	return c
}

// shiftedClock is time.Now moved by offset; time.Now itself for none.
func shiftedClock(offset time.Duration) func() time.Time {
	if offset == 0 {
		return time.Now
	}
	return func() time.Time { return time.Now().Add(offset) }
}

func scanLoop(ctx context.Context, srv *central.Server, every time.Duration, now func() time.Time, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		rep, err := srv.ScanMissing(ctx, now())
		if err != nil {
			log.Error("missing-measurement scan failed", "err", err)
		} else {
			log.Info("missing-measurement scan", "patients", rep.Patients, "created", rep.Created, "resolved", rep.Resolved)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func loadTokens(path string, flags []string) (*central.Tokens, error) {
	m := map[string]central.TokenSpec{}
	if path != "" {
		var err error
		if m, err = central.ReadTokenFile(path); err != nil {
			return nil, err
		}
	}
	for _, f := range flags {
		tok, who, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("--token must be TOKEN=Practitioner/id")
		}
		m[tok] = central.TokenSpec{Principal: who}
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("no tokens: give --tokens FILE or --token TOKEN=Practitioner/id")
	}
	return central.NewTokenTable(m)
}

func scanCmd() *cobra.Command {
	var dbPath string
	c := &cobra.Command{
		Use:   "scan",
		Short: "Create missing-measurement tasks once and exit",
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := central.OpenStore(cmd.Context(), dbPath, nil)
			if err != nil {
				return err
			}
			defer store.Close()
			toks, _ := central.NewTokens(nil)
			srv, err := central.NewServer(central.Config{Store: store, Tokens: toks})
			if err != nil {
				return err
			}
			rep, err := srv.ScanMissing(cmd.Context(), time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "patients %d, created %d, resolved %d\n", rep.Patients, rep.Created, rep.Resolved)
			return nil
		},
	}
	c.Flags().StringVar(&dbPath, "db", "telehjerte-central.db", "SQLite database file")
	return c
}

// Practitioners of the demo clinic's cover team (demo names the home team's
// nurses only).
const coverNurse = "prac-demo-nord-nurse-1"

func seedCmd() *cobra.Command {
	var dbPath, tokensOut string
	var patients, days int
	var seed int64
	var tokenTTL time.Duration
	var replace bool
	c := &cobra.Command{
		Use:   "seed",
		Short: "Load the synthetic demo clinic",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := clearForSeed(ctx, dbPath, replace); err != nil {
				return err
			}
			store, err := central.OpenStore(ctx, dbPath, nil)
			if err != nil {
				return err
			}
			defer store.Close()
			// Synthetic patients: a training database (which may also be
			// served on a moved clock).
			if err := store.MarkTraining(ctx); err != nil {
				return err
			}
			members := map[string][]string{demo.TeamDemoID: {demo.NurseA, demo.NurseB}, demo.TeamCoverID: {coverNurse}}
			if err := store.SeedTeams(ctx, demo.Teams(), members); err != nil {
				return err
			}
			if err := store.SeedPractitioners(ctx, demo.PractitionerNames()); err != nil {
				return err
			}
			if err := store.SeedQuestionnaires(ctx, demo.Questionnaires()); err != nil {
				return err
			}
			now := time.Now()
			n := 0
			err = demo.Generate(demo.Options{Patients: patients, Days: days, Seed: seed, Now: now}, func(rec demo.PatientRecord) error {
				n++
				return store.SeedPatient(ctx, central.PatientSeed{Patient: rec.Patient, Responsibility: rec.Responsibility, Regimes: rec.Regimes,
					Readings: rec.Readings, Questionnaires: rec.Questionnaires, Messages: rec.Messages, Tasks: rec.Tasks}, now)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "seeded %d synthetic patients into %s\n", n, dbPath)
			if tokensOut != "" {
				var expires time.Time
				if tokenTTL > 0 {
					expires = time.Now().Add(tokenTTL)
				}
				return writeTokens(tokensOut, []string{"Practitioner/" + demo.NurseA, "Practitioner/" + demo.NurseB, "Practitioner/" + coverNurse}, expires)
			}
			return nil
		},
	}
	c.Flags().StringVar(&dbPath, "db", "telehjerte-central.db", "SQLite database file")
	c.Flags().IntVar(&patients, "patients", 0, "number of patients (0: the demo default)")
	c.Flags().IntVar(&days, "days", 0, "days of history (0: the demo default)")
	c.Flags().Int64Var(&seed, "seed", 1, "random seed")
	c.Flags().StringVar(&tokensOut, "tokens-out", "", "write a new tokens file (mode 0600) for the demo nurses")
	c.Flags().DurationVar(&tokenTTL, "token-ttl", 0, "with --tokens-out: the tokens expire after this long, e.g. 12h (0: never)")
	c.Flags().BoolVar(&replace, "replace", false, "replace an existing database (everything in it is lost)")
	return c
}

// clearForSeed makes sure seeding starts from an empty database: an
// existing database with resources is refused (seeding over it silently
// undid acknowledgements, cover plans and regime changes) unless replace,
// which deletes it and its journal files.
func clearForSeed(ctx context.Context, path string, replace bool) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if !replace {
		store, err := central.OpenStore(ctx, path, nil)
		if err != nil {
			return err
		}
		empty, err := store.Empty(ctx)
		if cerr := store.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if empty {
			return nil
		}
		return fmt.Errorf("seed: %s already holds data; seeding would overwrite it (give --replace to delete it and start again)", path)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("seed --replace: %w", err)
		}
	}
	return nil
}

// newToken returns a fresh random bearer token (24 bytes, hex).
func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func writeTokens(path string, who []string, expires time.Time) error {
	m := map[string]any{}
	for _, w := range who {
		tok, err := newToken()
		if err != nil {
			return err
		}
		if expires.IsZero() {
			m[tok] = w
		} else {
			m[tok] = central.TokenSpec{Principal: w, Expires: expires.UTC().Format(time.RFC3339)}
		}
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write tokens file (it must not exist yet): %w", err)
	}
	if _, err := f.Write(append(js, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write tokens file: %w", err)
	}
	return f.Close()
}

func patientCmd() *cobra.Command {
	p := &cobra.Command{Use: "patient", Short: "Play the patient side over FHIR (demo, tests, training)"}
	var server, token, patientID, kind, ident, questionnaire string
	var value, value2 float64
	var answers []string
	submit := &cobra.Command{
		Use:   "submit",
		Short: "Submit one reading, or one set of questionnaire answers, as a patient",
		Long: `Submit one reading as the patient's app would, e.g.
  patient submit --patient ID --kind pulse --value 101
or the patient's answers to a questionnaire the central gives her:
  patient submit --patient ID --kind questionnaire --answer q4="Ja, også i hvile"
Each --answer is question=answer: the question by its linkId or its text,
the answer by its text or its code. --questionnaire names the questionnaire
(its canonical url, or url|version) when the central has more than one.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if token == "" {
				token = os.Getenv("TELEHJERTE_PATIENT_TOKEN")
			}
			if token == "" {
				return fmt.Errorf("give --token or set TELEHJERTE_PATIENT_TOKEN to a token mapped to Patient/%s", patientID)
			}
			pc := &central.PatientClient{BaseURL: server, Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
			if kind == "questionnaire" {
				if cmd.Flags().Changed("value") || cmd.Flags().Changed("value2") {
					return fmt.Errorf("--value is for readings; a questionnaire takes --answer question=answer")
				}
				return submitAnswers(cmd, pc, patientID, questionnaire, answers, ident)
			}
			if len(answers) > 0 || questionnaire != "" {
				return fmt.Errorf("--answer and --questionnaire go with --kind questionnaire")
			}
			k, err := domain.ParseKind(kind)
			if err != nil {
				return fmt.Errorf("%w (or questionnaire)", err)
			}
			if !cmd.Flags().Changed("value") {
				return fmt.Errorf("a reading needs --value")
			}
			m := domain.Measurement{PatientID: patientID, Kind: k, Value: value, Value2: value2, Taken: time.Now()}
			o, err := pc.SubmitMeasurement(cmd.Context(), m, ident)
			if err != nil {
				return err
			}
			colour, _ := fhir.ColourOf(o.Interpretation)
			fmt.Fprintf(cmd.OutOrStdout(), "Observation/%s stored, colour %s\n", o.ID, colour)
			return nil
		},
	}
	submit.Flags().StringVar(&server, "server", "http://127.0.0.1:8090", "central base URL")
	submit.Flags().StringVar(&token, "token", "", "patient bearer token (or TELEHJERTE_PATIENT_TOKEN)")
	submit.Flags().StringVar(&patientID, "patient", "", "patient id")
	submit.Flags().StringVar(&kind, "kind", "", "weight, pulse, bp, steps, spo2 or questionnaire")
	submit.Flags().Float64Var(&value, "value", 0, "the value (systolic for bp)")
	submit.Flags().Float64Var(&value2, "value2", 0, "diastolic, for bp")
	submit.Flags().StringArrayVar(&answers, "answer", nil, "with --kind questionnaire: question=answer (linkId or text = text or code); repeat for more")
	submit.Flags().StringVar(&questionnaire, "questionnaire", "", "with --kind questionnaire: its canonical url (or url|version); needed when the central has more than one")
	submit.Flags().StringVar(&ident, "identifier", "", "client UUID for an idempotent retry (default: new)")
	_ = submit.MarkFlagRequired("patient")
	_ = submit.MarkFlagRequired("kind")
	p.AddCommand(submit)
	return p
}

// submitAnswers answers the questionnaire the central gives the patient
// (the one named, or its only one) and prints what the central made of
// it: "QuestionnaireResponse/<id> stored, colour red".
func submitAnswers(cmd *cobra.Command, pc *central.PatientClient, patientID, ref string, answers []string, ident string) error {
	if len(answers) == 0 {
		return fmt.Errorf("a questionnaire needs at least one --answer question=answer")
	}
	qs, err := pc.Questionnaires(cmd.Context(), ref)
	if err != nil {
		return err
	}
	switch {
	case len(qs) == 0 && ref != "":
		return fmt.Errorf("the central has no questionnaire %s", ref)
	case len(qs) == 0:
		return fmt.Errorf("the central has no questionnaire")
	case len(qs) > 1:
		// Several versions of one questionnaire: the newest (the server
		// lists them by lastUpdated); several questionnaires: say which.
		same := true
		for _, q := range qs {
			same = same && q.URL == qs[0].URL
		}
		if !same {
			var names []string
			for _, q := range qs {
				names = append(names, q.URL+"|"+q.Version)
			}
			return fmt.Errorf("the central has %d questionnaires; name one with --questionnaire: %s", len(qs), strings.Join(names, ", "))
		}
		qs = qs[len(qs)-1:]
	}
	qr, err := fhir.AnswerQuestionnaire(qs[0], patientID, time.Now(), answers)
	if err != nil {
		return err
	}
	stored, err := pc.SubmitQuestionnaire(cmd.Context(), qr, ident)
	if err != nil {
		return err
	}
	p, err := fhir.QuestionnaireResponseToPro(stored)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "QuestionnaireResponse/%s stored, colour %s\n", stored.ID, p.Color())
	return nil
}
