package syncrun

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/demo/live"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// rig is an embedded demo central (real HTTP on loopback) and a cache.
type rig struct {
	c     *live.Central
	store *cache.Store
	eng   *engine.Engine
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	loc, err := time.LoadLocation(demo.DefaultLocation)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 10, 10, 30, 0, 0, loc)
	c, err := live.Start(ctx, live.Options{DBPath: filepath.Join(dir, "central.sqlite"), Patients: 10, Days: 3,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	store, err := live.NewCache(ctx, filepath.Join(dir, "cache.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cl, err := c.Client("syncrun-test")
	if err != nil {
		t.Fatal(err)
	}
	return &rig{c: c, store: store, eng: engine.New(store, cl, engine.Options{Logger: slog.New(slog.DiscardHandler)})}
}

func TestOnceReportsPushedAndPulledPerType(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	res, err := Once(ctx, r.eng, r.store)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Pulled["Patient"] != 10 || len(res.Pushed) != 0 || res.Outbox != (cache.OutboxCounts{}) {
		t.Errorf("first round: pulled %v, pushed %v, outbox %+v", res.Report.Pulled, res.Pushed, res.Outbox)
	}

	// Two messages written by the nurse while offline, as the console does.
	svc, err := actions.New(r.store, actions.User{ID: r.c.Nurse}, nil, uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := svc.SendMessage(ctx, domain.OutgoingMessage{PatientID: demo.PatientID(1), Title: "Svar", Author: r.c.Nurse, Body: fmt.Sprintf("besked %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	res, err = Once(ctx, r.eng, r.store)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed["Communication"] != 2 || len(res.Pushed) != 1 || res.Outbox.Pending != 0 {
		t.Errorf("pushed %v, outbox %+v; want 2 Communications and an empty outbox", res.Pushed, res.Outbox)
	}
}

func TestOnceUnreachableKeepsTheOutbox(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	if _, err := Once(ctx, r.eng, r.store); err != nil {
		t.Fatal(err)
	}
	svc, err := actions.New(r.store, actions.User{ID: r.c.Nurse}, nil, uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SendMessage(ctx, domain.OutgoingMessage{PatientID: demo.PatientID(1), Title: "Svar", Author: r.c.Nurse, Body: "hej"}); err != nil {
		t.Fatal(err)
	}
	url := r.c.URL
	if err := r.c.Close(); err != nil {
		t.Fatal(err)
	}
	cl, err := client.New(client.Options{BaseURL: url, Token: r.c.Token})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Once(ctx, engine.New(r.store, cl, engine.Options{Logger: slog.New(slog.DiscardHandler)}), r.store)
	if err == nil || !Offline(err) || ErrorKind(err) != "unreachable" {
		t.Fatalf("round against a stopped central: %v (kind %q)", err, ErrorKind(err))
	}
	if len(res.Pushed) != 0 || res.Outbox.Pending != 1 {
		t.Errorf("pushed %v, outbox %+v; want the message still pending", res.Pushed, res.Outbox)
	}
}

func TestTypesOrder(t *testing.T) {
	got := Types(map[string]int{"Task": 1, "Patient": 2, "(parked)": 1, "Zeta": 1, "Organization": 3})
	want := []string{"Organization", "Patient", "Task", "(parked)", "Zeta"}
	if !slices.Equal(got, want) {
		t.Errorf("Types = %v, want %v", got, want)
	}
}

func TestErrorKindNamesNoText(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{context.Canceled, "cancelled"},
		{fmt.Errorf("x: %w", client.ErrUnauthorized), "unauthorized"},
		{errors.New("disk full: /home/someone"), "internal"},
	} {
		if got := ErrorKind(tt.err); got != tt.want {
			t.Errorf("ErrorKind(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
