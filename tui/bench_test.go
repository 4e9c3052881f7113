package tui

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// bigWorklist makes n synthetic rows spread over every group.
func bigWorklist(n int) []domain.WorklistRow {
	rows := make([]domain.WorklistRow, n)
	colors := []domain.Color{domain.Red, domain.Yellow, domain.Green, domain.Unclassified}
	for i := range rows {
		o := domain.OpenItems{Oldest: testNow.Add(-time.Duration(i) * time.Minute)}
		switch i % 6 {
		case 0:
			o.Red = 1
		case 1:
			o.Yellow = 2
		case 2:
			o.Missing = 1
		case 3:
			o.Unread = 1
		case 4:
			o.Green = 3
		}
		rows[i] = domain.WorklistRow{
			Patient: domain.Patient{ID: fmt.Sprintf("p%05d", i), CPR: fmt.Sprintf("01017%05d", i), Name: fmt.Sprintf("Borger %05d Jensen", i)},
			Open:    o,
			Latest: map[domain.Kind]domain.Latest{
				domain.KindWeight:        {Value: 80 + float64(i%10), Color: colors[i%4]},
				domain.KindPulse:         {Value: 60 + float64(i%40), Color: colors[(i+1)%4]},
				domain.KindBloodPressure: {Value: 120, Value2: 80, Color: domain.Green},
			},
			Responsibility: domain.Responsibility{Home: teamA},
		}
	}
	return rows
}

// staticSource serves a fixed worklist; the benchmark measures the UI only.
type staticSource struct{ rows []domain.WorklistRow }

func (s staticSource) Worklist(context.Context, bool) ([]domain.WorklistRow, error) {
	return s.rows, nil
}

func (s staticSource) Patient(context.Context, string, time.Time) (domain.PatientDetail, error) {
	return domain.PatientDetail{}, nil
}

func (s staticSource) Audit(context.Context, domain.AuditEntry) error { return nil }

func BenchmarkCursorMove2000(b *testing.B) {
	m := New(context.Background(), staticSource{bigWorklist(2000)}, testOptions())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(m, m.Init())
	down, up := tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyUp}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := down
		if (i/1000)%2 == 1 {
			k = up
		}
		m.Update(k)
		_ = m.View()
	}
}

func BenchmarkWorklistTable2000(b *testing.B) {
	rows := bigWorklist(2000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteWorklistTable(io.Discard, rows, testOptions(), 120); err != nil {
			b.Fatal(err)
		}
	}
}
