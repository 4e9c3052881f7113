package domain_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestCourseFlags(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, cph) }
	// Sunday 25 October 2026 the clocks go back in Copenhagen.
	now := at(2026, 10, 26, 0, 30) // half an hour into Monday, local
	base := domain.CourseState{
		Regime:   domain.Regime{Phase: domain.PhaseOngoing},
		Enrolled: at(2026, 8, 1, 9, 0),
		Opened:   true,
	}
	kinds := func(fs []domain.CourseFlag) []domain.CourseFlagKind {
		var out []domain.CourseFlagKind
		for _, f := range fs {
			out = append(out, f.Kind)
		}
		return out
	}
	for _, c := range []struct {
		name string
		mod  func(*domain.CourseState)
		want []domain.CourseFlag
	}{
		{"nothing due", func(*domain.CourseState) {}, nil},
		{"new patient until opened", func(s *domain.CourseState) { s.Opened = false },
			[]domain.CourseFlag{{Kind: domain.FlagNewPatient, Date: at(2026, 8, 1, 9, 0)}}},

		{"start-up ends today", func(s *domain.CourseState) {
			s.Regime.Phase = domain.PhaseStartUp
			s.StartUpEnd = at(2026, 10, 26, 23, 0)
		}, []domain.CourseFlag{{Kind: domain.FlagStartUpEnded, Date: at(2026, 10, 26, 23, 0)}}},
		{"start-up ends tomorrow: not yet", func(s *domain.CourseState) {
			s.Regime.Phase = domain.PhaseStartUp
			s.StartUpEnd = at(2026, 10, 27, 0, 0)
		}, nil},
		{"start-up over but individual thresholds saved (ongoing)", func(s *domain.CourseState) {
			s.StartUpEnd = at(2026, 10, 1, 0, 0)
		}, nil},

		{"re-evaluation in 8 days: not yet", func(s *domain.CourseState) { s.Regime.Reevaluation = at(2026, 11, 3, 10, 0) }, nil},
		{"re-evaluation in 7 days", func(s *domain.CourseState) { s.Regime.Reevaluation = at(2026, 11, 2, 10, 0) },
			[]domain.CourseFlag{{Kind: domain.FlagReevaluationDue, Days: 7, Date: at(2026, 11, 2, 10, 0)}}},
		{"re-evaluation today", func(s *domain.CourseState) { s.Regime.Reevaluation = at(2026, 10, 26, 23, 59) },
			[]domain.CourseFlag{{Kind: domain.FlagReevaluationDue, Days: 0, Date: at(2026, 10, 26, 23, 59)}}},
		// Across the DST change: Saturday is two calendar days ago, though
		// 49 hours separate the two instants.
		{"re-evaluation overdue across DST", func(s *domain.CourseState) { s.Regime.Reevaluation = at(2026, 10, 24, 0, 0) },
			[]domain.CourseFlag{{Kind: domain.FlagReevaluationOverdue, Days: 2, Date: at(2026, 10, 24, 0, 0)}}},

		{"reviewed within the interval", func(s *domain.CourseState) {
			s.ReviewDays = 7
			s.LastReview = at(2026, 10, 19, 8, 0)
		}, nil},
		{"not seen for 8 days", func(s *domain.CourseState) {
			s.ReviewDays = 7
			s.LastReview = at(2026, 10, 18, 23, 0)
		}, []domain.CourseFlag{{Kind: domain.FlagNotSeen, Days: 8}}},
		{"never reviewed counts from enrolment", func(s *domain.CourseState) {
			s.ReviewDays = 7
			s.Enrolled = at(2026, 10, 16, 12, 0)
		}, []domain.CourseFlag{{Kind: domain.FlagNotSeen, Days: 10}}},
		{"no review interval agreed", func(s *domain.CourseState) { s.LastReview = at(2025, 1, 1, 0, 0) }, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := base
			c.mod(&s)
			got := domain.CourseFlags(s, now, cph)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("CourseFlags = %+v, want %+v", got, c.want)
			}
		})
	}

	t.Run("display order", func(t *testing.T) {
		s := base
		s.Opened = false
		s.Regime.Phase = domain.PhaseStartUp
		s.StartUpEnd = at(2026, 10, 20, 0, 0)
		s.Regime.Reevaluation = at(2026, 10, 20, 0, 0)
		s.ReviewDays = 3
		got := kinds(domain.CourseFlags(s, now, cph))
		want := []domain.CourseFlagKind{domain.FlagNewPatient, domain.FlagStartUpEnded, domain.FlagReevaluationOverdue, domain.FlagNotSeen}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("flags %v, want %v", got, want)
		}
	})
}

func TestFailingToMeasure(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 30, 9, 0, 0, 0, cph) // the Monday after the clocks went forward
	// A daily weight before 11:00: the last ten days, with missing days
	// as given (days ago, 1 = yesterday).
	slotsFor := func(missing map[int]bool, paused map[int]bool) []domain.SlotResult {
		var out []domain.SlotResult
		for ago := 10; ago >= 0; ago-- {
			y, m, d := now.AddDate(0, 0, -ago).Date()
			due := time.Date(y, m, d, 11, 0, 0, 0, cph)
			st := domain.SlotOnTime
			switch {
			case ago == 0:
				st = domain.SlotPending
			case paused[ago]:
				st = domain.SlotPaused
			case missing[ago]:
				st = domain.SlotMissing
			}
			out = append(out, domain.SlotResult{Slot: domain.Slot{Kind: domain.KindWeight, Due: due}, State: st})
		}
		return out
	}
	state := func(slots []domain.SlotResult) domain.CourseState {
		return domain.CourseState{Regime: domain.Regime{Phase: domain.PhaseOngoing}, Opened: true, Slots: slots}
	}
	for _, c := range []struct {
		name            string
		missing, paused map[int]bool
		want            []domain.CourseFlag
	}{
		{"two missing: no flag", map[int]bool{1: true, 3: true}, nil, nil},
		{"three missing in the last seven", map[int]bool{1: true, 3: true, 7: true}, nil,
			[]domain.CourseFlag{{Kind: domain.FlagFailingToMeasure, Days: 3, Of: 7}}},
		{"the third is eight days ago: outside", map[int]bool{1: true, 3: true, 8: true}, nil, nil},
		// Paused days expect nothing, so the window reaches further back.
		{"paused days stretch the window", map[int]bool{1: true, 3: true, 8: true}, map[int]bool{2: true},
			[]domain.CourseFlag{{Kind: domain.FlagFailingToMeasure, Days: 3, Of: 7}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := domain.CourseFlags(state(slotsFor(c.missing, c.paused)), now, cph)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("CourseFlags = %+v, want %+v", got, c.want)
			}
		})
	}

	t.Run("one day with two kinds missing counts once", func(t *testing.T) {
		var slots []domain.SlotResult
		for ago := 1; ago <= 7; ago++ {
			y, m, d := now.AddDate(0, 0, -ago).Date()
			due := time.Date(y, m, d, 11, 0, 0, 0, cph)
			st := domain.SlotOnTime
			if ago <= 2 {
				st = domain.SlotMissing
			}
			slots = append(slots,
				domain.SlotResult{Slot: domain.Slot{Kind: domain.KindWeight, Due: due}, State: st},
				domain.SlotResult{Slot: domain.Slot{Kind: domain.KindPulse, Due: due}, State: st})
		}
		if got := domain.CourseFlags(state(slots), now, cph); got != nil {
			t.Errorf("two missing days flagged: %+v", got)
		}
	})
}

func TestStartUpEndFrom(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	// Enrolled before the clocks go forward on 29 March 2026: the start-up
	// ends 14 calendar days later at the same wall-clock time.
	start := time.Date(2026, 3, 20, 9, 0, 0, 0, cph)
	got := domain.StartUpEndFrom(start, cph)
	if want := time.Date(2026, 4, 3, 9, 0, 0, 0, cph); !got.Equal(want) {
		t.Errorf("StartUpEndFrom = %s, want %s", got, want)
	}
	if h := got.Sub(start).Hours(); h != 14*24-1 {
		t.Errorf("%v hours between, want 335 (one lost to DST)", h)
	}
}
