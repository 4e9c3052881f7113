package client

import (
	"fmt"
	"strings"
	"testing"
)

// A page with more entries than a page may have is refused as soon as
// the count is passed: the entries after the limit are neither decoded
// nor even read (a hostile or broken server's 16 MB page of tiny entries
// cost the console 419 MB before it was refused, half of it for
// resources it then threw away). The error says why.
func TestPageWithTooManyEntriesRefusedAtTheLimit(t *testing.T) {
	entry := `{"resource":{"resourceType":"Patient","id":"p"}}`
	var b strings.Builder
	b.WriteString(`{"resourceType":"Bundle","type":"searchset","entry":[`)
	for i := range MaxPageEntries + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(entry)
	}
	// What comes after the limit is never looked at: not even this.
	b.WriteString(`,{"resource":{"resourceType":"Patient",`)
	_, err := decodePage([]byte(b.String()), true)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than the %d entries allowed", MaxPageEntries)) {
		t.Fatalf("a page of more than %d entries: err = %v, want it refused for its number of entries", MaxPageEntries, err)
	}
	// At the limit the page stands.
	b.Reset()
	b.WriteString(`{"resourceType":"Bundle","type":"searchset","entry":[`)
	for i := range MaxPageEntries {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(entry)
	}
	b.WriteString(`]}`)
	p, err := decodePage([]byte(b.String()), true)
	if err != nil || len(p.Resources) != MaxPageEntries || p.Decoded[MaxPageEntries-1] == nil {
		t.Fatalf("a page of %d entries: err = %v, want all of them read", MaxPageEntries, err)
	}
}
