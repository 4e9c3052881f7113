package cache

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// buildClinic stores one patient per worklist group, two in the red group
// (the older open item first), and a patient with nothing open.
func buildClinic(t *testing.T, s *Store) {
	t.Helper()
	mustWrite(t, s, func(tx *Tx) error {
		pats := map[string]string{
			"red-new": "Anna Red", "red-old": "Zoe Red", "yellow": "Bo Yellow", "missing": "Carl Missing",
			"messages": "Dorte Messages", "green": "Erik Green", "unclassified": "Frida Unclassified", "none": "Gustav None",
		}
		for id, name := range pats {
			if err := addPatient(tx, id, name); err != nil {
				return err
			}
		}
		tasks := []domain.Task{
			openTask("t-red-new", "red-new", domain.Red, day(2)),
			openTask("t-red-new-g", "red-new", domain.Green, day(3)),
			openTask("t-red-old", "red-old", domain.Red, day(1)),
			openTask("t-yellow", "yellow", domain.Yellow, day(1)),
			{ID: "t-yellow-impl", PatientID: "yellow", Category: domain.TaskMeasurement, Implausible: true, Created: day(0)},
			{ID: "t-missing", PatientID: "missing", Category: domain.TaskMissing, Kind: domain.KindWeight, Created: day(1), Due: day(1)},
			openTask("t-green", "green", domain.Green, day(1)),
			openTask("t-uncl", "unclassified", domain.Unclassified, day(1)),
			// Closed tasks count for nothing.
			{ID: "t-none-done", PatientID: "none", Category: domain.TaskMeasurement, Color: domain.Red, Created: day(1), Done: true, DoneBy: "n", DoneAt: day(2)},
			{ID: "t-green-done", PatientID: "green", Category: domain.TaskMeasurement, Color: domain.Red, Created: day(0), Done: true},
		}
		for _, tk := range tasks {
			if err := tx.PutTask(tk, Meta{}); err != nil {
				return err
			}
		}
		msgs := []domain.Message{
			{ID: "m1", PatientID: "messages", FromPatient: true, Sent: day(1)},
			{ID: "m2", PatientID: "messages", FromPatient: true, Sent: day(-1)},
			{ID: "m3", PatientID: "messages", FromPatient: true, Sent: day(-5), Read: true},
			{ID: "m4", PatientID: "none", FromPatient: false, Sent: day(1)}, // unread by the patient: not ours to read
			{ID: "m5", PatientID: "green", FromPatient: true, Sent: day(-3), Read: true},
			{ID: "m6", PatientID: "yellow", FromPatient: true, Sent: day(-4)}, // counts, but yellow ranks above
		}
		for _, m := range msgs {
			if err := tx.PutMessage(m, Meta{}); err != nil {
				return err
			}
		}
		return tx.PutReading(reading("o-none", "none", domain.KindPulse, day(1), 66, domain.Green), Meta{})
	})
}

func TestWorklistGroupsCountsAndOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	buildClinic(t, s)

	rows, err := s.Worklist(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.Patient.ID)
	}
	want := "red-old red-new yellow missing messages green unclassified"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("worklist order\n got %s\nwant %s", got, want)
	}
	byID := make(map[string]domain.WorklistRow)
	for _, r := range rows {
		byID[r.Patient.ID] = r
	}
	wantOpen := map[string]domain.OpenItems{
		"red-new":      {Red: 1, Green: 1, Oldest: day(2)},
		"red-old":      {Red: 1, Oldest: day(1)},
		"yellow":       {Yellow: 1, Unclassified: 1, Implausible: 1, Unread: 1, Oldest: day(-4)},
		"missing":      {Missing: 1, Oldest: day(1)},
		"messages":     {Unread: 2, Oldest: day(-1)},
		"green":        {Green: 1, Oldest: day(1)},
		"unclassified": {Unclassified: 1, Oldest: day(1)},
	}
	for id, w := range wantOpen {
		if got := byID[id].Open; got != w {
			t.Errorf("%s open = %+v, want %+v", id, got, w)
		}
		if byID[id].Responsibility.Home != teamA {
			t.Errorf("%s responsibility = %+v", id, byID[id].Responsibility)
		}
	}
	if _, ok := byID["none"]; ok {
		t.Error("all=false shows a patient with nothing open")
	}

	all, err := s.Worklist(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 8 || all[7].Patient.ID != "none" || all[7].Open.Any() {
		t.Fatalf("all=true: %d rows, last %+v", len(all), all[len(all)-1].Patient)
	}
	if l := all[7].Latest[domain.KindPulse]; l.Value != 66 || l.Color != domain.Green || !l.Taken.Equal(day(1)) {
		t.Errorf("latest pulse of 'none' = %+v", l)
	}
	counts := domain.GroupCounts(all)
	for g, n := range map[domain.Group]int{domain.GroupRed: 2, domain.GroupYellow: 1, domain.GroupMissing: 1, domain.GroupMessages: 1, domain.GroupGreen: 1, domain.GroupUnclassified: 1, domain.GroupNone: 1} {
		if counts[g] != n {
			t.Errorf("group %s: %d patients, want %d", g, counts[g], n)
		}
	}
}

func TestWorklistUsesCoverAndNewestEpisode(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cover := domain.Responsibility{Home: teamA, Cover: &domain.Cover{Team: teamB, Period: domain.Period{From: day(0), To: day(14)}}}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil { // episode eoc-p1 at t0, team A
			return err
		}
		return tx.PutResponsibility("p1", cover, Meta{ID: "eoc-p1", VersionID: "2", LastUpdated: day(1)})
	})
	rows, err := s.Worklist(ctx, true)
	if err != nil || len(rows) != 1 {
		t.Fatalf("Worklist: %d rows, %v", len(rows), err)
	}
	r := rows[0].Responsibility
	if r.Cover == nil || r.Cover.Team != teamB || !r.Cover.Period.To.Equal(day(14)) {
		t.Errorf("responsibility = %+v, want cover by team B", r)
	}
	if holder, isCover := r.HolderAt(day(3)); holder.ID != "team-b" || !isCover {
		t.Errorf("holder on day 3 = %s cover=%v", holder.ID, isCover)
	}
}

func TestQueryPlansUseIndexes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	plan := func(q string, args ...any) string {
		t.Helper()
		rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			b.WriteString(detail + "; ")
		}
		return b.String()
	}
	ph, kinds := kindList()
	cases := []struct {
		name, query, index string
		args               []any
	}{
		{"worklist open tasks", `SELECT patient_id, category, color, implausible, created FROM tasks WHERE ` + openTaskWhere, "tasks_open", nil},
		{"worklist open readings", `SELECT t.patient_id, o.kind, o.value, o.value2, t.color, t.implausible, o.taken
FROM tasks t JOIN observations o ON o.id = t.focus_id WHERE t.` + openTaskWhere + ` AND t.category = ?`, "tasks_open", []any{string(domain.TaskMeasurement)}},
		{"patient open tasks", `SELECT id FROM tasks WHERE patient_id = ? AND ` + openTaskWhere, "tasks_open", []any{"p"}},
		{"unread", `SELECT patient_id, sent FROM communications WHERE from_patient = 1 AND read = 0`, "communications_unread", nil},
		{"window", `SELECT id FROM observations WHERE patient_id = ? AND kind IN (` + ph + `) AND taken >= ? ORDER BY taken, id`,
			"observations_patient_kind_taken", append(append([]any{"p"}, kinds...), int64(0))},
		{"latest refresh", `SELECT id FROM observations WHERE patient_id = ? AND kind = ? ORDER BY taken DESC, id DESC LIMIT 1`,
			"observations_patient_kind_taken", []any{"p", "weight"}},
	}
	for _, c := range cases {
		p := plan(c.query, c.args...)
		t.Logf("%s: %s", c.name, p)
		if !strings.Contains(p, c.index) || strings.Contains(p, "SCAN observations") {
			t.Errorf("%s: plan %q does not use %s", c.name, p, c.index)
		}
	}
}

func TestReaderNotBlockedByWriter(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "A") })

	inTx, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.Write(ctx, func(tx *Tx) error {
			if err := addPatient(tx, "p2", "B"); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	// The write transaction holds the write lock; a reader still gets the
	// last committed snapshot, without p2.
	rows, err := s.Worklist(ctx, true)
	if err != nil {
		t.Fatalf("Worklist during write: %v", err)
	}
	if len(rows) != 1 || rows[0].Patient.ID != "p1" {
		t.Errorf("reader during write saw %d rows", len(rows))
	}
	if _, err := s.Patient(ctx, "p2", time.Time{}); !errorsIs(err, ErrNotFound) {
		t.Errorf("uncommitted patient visible: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("write: %v", err)
	}
	if rows, _ = s.Worklist(ctx, true); len(rows) != 2 {
		t.Errorf("after commit: %d rows, want 2", len(rows))
	}
}

func TestConcurrentWritesSerialise(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "A") })
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			errs <- s.Write(ctx, func(tx *Tx) error {
				return tx.PutReading(reading("o"+string(rune('a'+i)), "p1", domain.KindPulse, day(i), 70, domain.Green), Meta{})
			})
		}(i)
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil || len(d.Readings) != n {
		t.Errorf("readings after concurrent writes: %d, %v", len(d.Readings), err)
	}
}

func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	entries := []domain.AuditEntry{
		{At: day(0), User: "nurse-1", Action: "view-worklist"},
		{At: day(1), User: "nurse-1", Action: "view-patient", PatientID: "p1"},
		{At: day(2), User: "nurse-2", Action: "acknowledge", PatientID: "p1", Detail: `{"task":"t1"}`},
	}
	for _, e := range entries {
		if err := s.Audit(ctx, e); err != nil {
			t.Fatalf("Audit: %v", err)
		}
	}
	got, err := s.AuditLog(ctx, day(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != entries[1] || got[1] != entries[2] {
		t.Errorf("AuditLog(day 1) = %+v", got)
	}
	if all, _ := s.AuditLog(ctx, time.Time{}); len(all) != 3 {
		t.Errorf("AuditLog(all) = %d entries, want 3", len(all))
	}
	for _, q := range []string{`UPDATE audit_log SET user = 'x'`, `DELETE FROM audit_log`} {
		if _, err := s.w.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want append-only refusal", q, err)
		}
	}
	if err := s.Audit(ctx, domain.AuditEntry{User: "x", Action: "y"}); err == nil {
		t.Error("audit entry without time accepted")
	}
	// An action and its audit entry commit or roll back together.
	_ = s.Write(ctx, func(tx *Tx) error {
		if err := tx.Audit(domain.AuditEntry{At: day(3), User: "n", Action: "acknowledge"}); err != nil {
			return err
		}
		return context.Canceled
	})
	if all, _ := s.AuditLog(ctx, time.Time{}); len(all) != 3 {
		t.Errorf("rolled-back audit entry kept: %d entries", len(all))
	}
}

func TestReadOnlyPoolRefusesWrites(t *testing.T) {
	s := openTest(t)
	if _, err := s.r.ExecContext(context.Background(), `INSERT INTO info (key, value) VALUES ('a', 'b')`); err == nil {
		t.Error("read pool accepted a write")
	}
}

func TestTwoStoresOnOneFile(t *testing.T) {
	// The console and another process (sync, the worklist command) may open
	// the same file; busy_timeout makes their writes wait, not fail.
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mustWrite(t, a, func(tx *Tx) error { return addPatient(tx, "p1", "A") })
	const n = 20
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		for j, s := range []*Store{a, b} {
			go func(i, j int, s *Store) {
				errs <- s.Write(ctx, func(tx *Tx) error {
					id := string(rune('a'+j)) + string(rune('a'+i))
					return tx.PutReading(reading(id, "p1", domain.KindPulse, day(i).Add(time.Duration(j)*time.Hour), 70, domain.Green), Meta{})
				})
			}(i, j, s)
		}
	}
	for i := 0; i < 2*n; i++ {
		if err := <-errs; err != nil {
			t.Errorf("write: %v", err)
		}
	}
	d, err := b.Patient(ctx, "p1", time.Time{})
	if err != nil || len(d.Readings) != 2*n {
		t.Errorf("readings seen by the second store: %d, %v; want %d", len(d.Readings), err, 2*n)
	}
	rows, _ := a.Worklist(ctx, true)
	if l := rows[0].Latest[domain.KindPulse]; !l.Taken.Equal(day(n - 1).Add(time.Hour)) {
		t.Errorf("latest pulse taken %s, want %s", l.Taken, day(n-1).Add(time.Hour))
	}
}

// The worklist carries the most severe open reading of each kind, with the
// number of open ones, not only the latest: a red weight followed by a
// yellow one the same day stays visible as red.
func TestWorklistWorstOpenReading(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "Anna"); err != nil {
			return err
		}
		for _, r := range []struct {
			id    string
			kind  domain.Kind
			at    time.Time
			v     float64
			c     domain.Color
			open  bool
			impl  bool
			color domain.Color
		}{
			{"w-red", domain.KindWeight, day(1), 112.9, domain.Red, true, false, domain.Red},
			{"w-yellow", domain.KindWeight, day(1).Add(3 * time.Hour), 111.7, domain.Yellow, true, false, domain.Yellow},
			{"p-old-red", domain.KindPulse, day(0), 130, domain.Red, false, false, domain.Red}, // acknowledged
			{"p-green", domain.KindPulse, day(1), 70, domain.Green, true, false, domain.Green},
			{"s-impl", domain.KindSpO2, day(1), 40, domain.Unclassified, true, true, domain.Unclassified},
			{"s-green", domain.KindSpO2, day(1).Add(time.Hour), 96, domain.Green, true, false, domain.Green},
		} {
			if err := tx.PutReading(reading(r.id, "p1", r.kind, r.at, r.v, r.c), Meta{}); err != nil {
				return err
			}
			task := domain.Task{ID: "t-" + r.id, PatientID: "p1", Category: domain.TaskMeasurement, FocusID: r.id, Color: r.color, Implausible: r.impl, Created: r.at, Done: !r.open}
			if err := tx.PutTask(task, Meta{}); err != nil {
				return err
			}
		}
		return nil
	})
	rows, err := s.Worklist(ctx, false)
	if err != nil || len(rows) != 1 {
		t.Fatalf("Worklist: %d rows, %v", len(rows), err)
	}
	r := rows[0]
	if l := r.Latest[domain.KindWeight]; l.Value != 111.7 {
		t.Fatalf("latest weight = %+v", l)
	}
	checks := []struct {
		kind    domain.Kind
		value   float64
		color   domain.Color
		several bool
	}{
		{domain.KindWeight, 112.9, domain.Red, true},
		{domain.KindPulse, 70, domain.Green, false}, // the acknowledged red one is not open
		{domain.KindSpO2, 40, domain.Unclassified, true},
	}
	for _, c := range checks {
		l, several, ok := r.Shown(c.kind)
		if !ok || l.Value != c.value || l.Color != c.color || several != c.several {
			t.Errorf("%s shown = %+v several=%v ok=%v, want %v %s several=%v", c.kind, l, several, ok, c.value, c.color, c.several)
		}
	}
	if !r.WorstOpen[domain.KindSpO2].Implausible {
		t.Errorf("the implausible SpO2 lost its flag: %+v", r.WorstOpen[domain.KindSpO2])
	}
	if r.OpenReadings[domain.KindWeight] != 2 || r.OpenReadings[domain.KindPulse] != 1 {
		t.Errorf("open readings = %v", r.OpenReadings)
	}
}
