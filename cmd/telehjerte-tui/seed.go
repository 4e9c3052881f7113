package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/demo"
)

// seedFlags are the seed subcommand's flags.
type seedFlags struct {
	patients, days int
	out            string
	seed           int64
	force          bool
}

func (f seedFlags) validate() error {
	var errs []error
	if f.out == "" {
		errs = append(errs, errors.New("--out PATH is required"))
	}
	if f.patients < 1 {
		errs = append(errs, fmt.Errorf("--patients %d must be at least 1", f.patients))
	}
	if f.days < 1 {
		errs = append(errs, fmt.Errorf("--days %d must be at least 1", f.days))
	}
	return errors.Join(errs...)
}

func newSeedCmd(e *env) *cobra.Command {
	var f seedFlags
	cmd := &cobra.Command{
		Use:   "seed --out PATH [--patients N] [--days D] [--seed S]",
		Short: "Build a synthetic demo cache file of any size (for benchmarks and training)",
		Long: `Build a demo clinic into a new cache file. The file can then be opened with
--cache PATH (no rebuild on start). An existing file is only replaced with --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.validate(); err != nil {
				return err
			}
			if e.locErr != nil {
				return e.locErr
			}
			if _, err := os.Stat(f.out); err == nil && !f.force {
				return fmt.Errorf("%s exists; pass --force to replace it", f.out)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("seed: %w", err)
			}
			start := time.Now()
			store, err := buildDemo(cmd.Context(), f.out, demo.Options{
				Patients: f.patients, Days: f.days, Seed: f.seed, Now: e.now(), Loc: e.loc,
			})
			if err != nil {
				return err
			}
			built := time.Since(start)
			rows, err := store.Worklist(cmd.Context(), true)
			if cerr := store.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("seed: check %s: %w", f.out, err)
			}
			_, err = fmt.Fprintf(e.stdout, "seeded %s: %d patients, %d days, seed %d, %d worklist rows in %s\n",
				f.out, f.patients, f.days, f.seed, len(rows), built.Round(time.Millisecond))
			return err
		},
	}
	cmd.Flags().IntVar(&f.patients, "patients", demo.DefaultPatients, "number of patients")
	cmd.Flags().IntVar(&f.days, "days", demo.DefaultDays, "days of history up to today")
	cmd.Flags().StringVar(&f.out, "out", "", "cache file to create (required)")
	cmd.Flags().Int64Var(&f.seed, "seed", 0, "random seed; the same seed and size give the same clinic")
	cmd.Flags().BoolVar(&f.force, "force", false, "replace an existing file")
	return cmd
}
