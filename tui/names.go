package tui

import (
	"context"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// nameBook is what the console knows of practitioners' names, by id: an
// author, a responsible physician or a note's writer is stored as an
// opaque id, and a nurse must read a person. The loads that bring such
// ids (the patient, the regime history, a regime conflict) look their
// names up in the cache (Options.Names) while they run, so the screen
// that shows them has them; an id with no known name is shown as it is.
// The loads run as commands beside Update and View, hence the lock.
type nameBook struct {
	mu    sync.Mutex
	names map[string]string
}

// learn looks up the practitioners among refs (bare ids; display texts,
// which hold a space, are no ids and are skipped). A failed look-up ends
// the learning: the ids stay on screen, which is true if unfriendly.
func (b *nameBook) learn(ctx context.Context, n console.Namer, refs ...string) {
	if n == nil {
		return
	}
	seen := map[string]bool{}
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		if ref == "" || strings.ContainsAny(ref, " ,") || seen[ref] {
			continue
		}
		seen[ref] = true
		name, err := n.Name(ctx, "Practitioner", ref)
		if err != nil {
			return
		}
		b.mu.Lock()
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

// person is how the console writes a practitioner reference: her name
// when the cache knows it, else the reference as it is (an id, or a name
// the data carried as text); sanitised either way.
func (s *shared) person(ref string) string {
	if n, ok := s.names.name(ref); ok {
		return safetext.Sanitize(n)
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
// reference: "= name" while its text is an id whose name is known, else
// nothing. The field keeps the id (a reference stays a reference).
func (s *shared) personHint(f *field) func() string {
	return func() string {
		if n, ok := s.names.name(f.value()); ok {
			return "= " + safetext.Sanitize(n)
		}
		return ""
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

// regimePeople are a regime version's author and responsible physician.
func regimePeople(rs ...domain.Regime) []string {
	var refs []string
	for _, r := range rs {
		refs = append(refs, r.Author, r.Physician)
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
