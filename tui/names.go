package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// nameBook is what the console knows of practitioners' names, by id: an
// author, a responsible physician or a note's writer is stored as an
// opaque id (a physician as domain.PractitionerRef), and a nurse must
// read a person. The loads that bring such ids (the patient, the regime
// history, a regime conflict) look their names up in the cache
// (Options.Names) while they run, so the screen that shows them has them;
// an id with no known name is shown as it is, and one whose look-up
// failed says so. The loads run as commands beside Update and View,
// hence the lock.
type nameBook struct {
	mu     sync.Mutex
	names  map[string]string
	failed map[string]bool // refs whose look-up failed: nobody knows whether the cache has a name
}

// learn looks up the practitioners among refs (bare ids or
// "Practitioner/<id>"; display texts, which hold a space, are no ids and
// are skipped). A failed look-up ends the learning: that ref and those
// not looked up yet are marked failed, so the screens say the name was
// not fetched instead of showing the id as if nobody had a name.
func (b *nameBook) learn(ctx context.Context, n console.Namer, refs ...string) {
	if n == nil {
		return
	}
	seen := map[string]bool{}
	var todo []string
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		if ref == "" || strings.ContainsAny(ref, " ,") || seen[ref] {
			continue
		}
		seen[ref] = true
		todo = append(todo, ref)
	}
	for i, ref := range todo {
		name, err := n.Name(ctx, "Practitioner", ref)
		b.mu.Lock()
		if err != nil {
			if b.failed == nil {
				b.failed = map[string]bool{}
			}
			for _, r := range todo[i:] {
				b.failed[r] = true
			}
			b.mu.Unlock()
			return
		}
		delete(b.failed, ref)
		if name = strings.TrimSpace(name); name != "" {
			if b.names == nil {
				b.names = map[string]string{}
			}
			b.names[ref] = name
		} else {
			delete(b.names, ref)
		}
		b.mu.Unlock()
	}
}

// name is the known name of the practitioner ref.
func (b *nameBook) name(ref string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, ok := b.names[strings.TrimSpace(ref)]
	return n, ok
}

// notFetched reports whether the last look-up of ref failed.
func (b *nameBook) notFetched(ref string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failed[strings.TrimSpace(ref)]
}

// person is how the console writes a practitioner reference: her name
// when the cache knows it, else the reference as it is (an id, or a name
// the data carried as text), followed by "(navn ikke hentet)" when its
// look-up failed; sanitised either way.
func (s *shared) person(ref string) string {
	if n, ok := s.names.name(ref); ok {
		return safetext.Sanitize(n)
	}
	if s.names.notFetched(ref) {
		return safetext.Sanitize(ref) + " " + s.t.Act.NameNotFetched
	}
	return safetext.Sanitize(ref)
}

// namesLearnedMsg says a look-up of names ended: the screen is redrawn
// with what it found.
type namesLearnedMsg struct{}

// personField makes f a field that holds a practitioner reference: what
// the nurse types in it is looked up as a practitioner's id, and the
// hint (personHint) names her while it is one the cache knows.
func (s *shared) personField(f *field) *field {
	ctx, book, namer := s.ctx, s.names, s.opts.Names
	if namer == nil {
		return f
	}
	f.onChange = func(v string) tea.Cmd {
		return func() tea.Msg {
			book.learn(ctx, namer, v)
			return namesLearnedMsg{}
		}
	}
	return f
}

// personHint is the dim hint after a field that holds a practitioner
// reference: "= name" while its text is an id whose name is known,
// "(navn ikke hentet)" while its look-up failed, else nothing. The field
// keeps the id (a reference stays a reference).
func (s *shared) personHint(f *field) func() string {
	return func() string {
		if n, ok := s.names.name(f.value()); ok {
			return "= " + safetext.Sanitize(n)
		}
		if s.names.notFetched(f.value()) {
			return s.t.Act.NameNotFetched
		}
		return ""
	}
}

// physicianValue is what a physician field saves for what it holds
// (domain.PersonEntry): a reference for "Practitioner/<id>" or the id of
// a practitioner whose name the console has looked up, else the text. It
// judges by what the name book knows now, which is what physicianHint
// shows.
func (s *shared) physicianValue(entry string) string {
	return domain.PersonEntry(entry, func(id string) bool {
		_, ok := s.names.name(id)
		return ok
	})
}

// physicianHint says after a physician field what saving will make of
// it: "kendt læge: <name>", a reference to a practitioner the console
// does not know, or "gemmes som fritekst"; "uændret" while it holds
// initial, the regime's own value, which saving keeps exactly.
func (s *shared) physicianHint(f *field, initial string) func() string {
	return func() string {
		a := &s.t.Act
		v := strings.TrimSpace(f.value())
		if v == "" {
			return ""
		}
		unchanged := strings.TrimSpace(initial) != "" && v == strings.TrimSpace(initial)
		// Left as it was, saving keeps the regime's own value exactly:
		// whether that is a reference is for it to say, not the book.
		_, isRef := domain.PractitionerOf(s.physicianValue(v))
		if unchanged {
			_, isRef = domain.PractitionerOf(v)
		}
		var h string
		switch {
		case isRef:
			if n, ok := s.names.name(v); ok {
				h = fmt.Sprintf(a.PhysicianKnown, safetext.Sanitize(n))
			} else {
				h = a.PhysicianUnknownRef
				if s.names.notFetched(v) {
					h += " " + a.NameNotFetched
				}
			}
		case unchanged:
			h = a.PhysicianTextKept
		default:
			h = a.PhysicianText
			if s.names.notFetched(v) {
				h += " " + a.NameNotFetched
			}
		}
		if unchanged {
			h += " · " + a.Unchanged
		}
		return h
	}
}

// detailPeople are the practitioner references the patient view shows or
// opens: the regime's author and physician, the notes' writers.
func detailPeople(d domain.PatientDetail) []string {
	refs := regimePeople(d.Regime)
	for _, n := range d.Notes {
		refs = append(refs, n.Author)
	}
	return refs
}

// regimePeople are a regime version's author and responsible physician
// when she is a reference (a physician as text is a name, not an id to
// look up).
func regimePeople(rs ...domain.Regime) []string {
	var refs []string
	for _, r := range rs {
		refs = append(refs, r.Author)
		if _, ok := domain.PractitionerOf(r.Physician); ok {
			refs = append(refs, r.Physician)
		}
	}
	return refs
}

// syncPeople are the practitioner references the sync problems show: who
// made the central's version or already did the thing, and the regimes'
// authors and physicians.
func syncPeople(ps []console.SyncProblem) []string {
	var refs []string
	for _, p := range ps {
		refs = append(refs, p.By, p.Mine.Author, p.Theirs.Author)
		for _, r := range []*domain.Regime{p.Mine.Regime, p.Theirs.Regime} {
			if r != nil {
				refs = append(refs, regimePeople(*r)...)
			}
		}
	}
	return refs
}
