package central

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
)

// Stored documents, the current version in resources and the superseded
// ones in history, are compressed against a preset dictionary of the
// project's own FHIR vocabulary: a version of a few hundred bytes to 2 kB
// shrinks to a sixth or less. A packed document starts with a byte that
// says how it was packed (packedV1, packedV2, packedV3), which no JSON
// document starts with; a row written before packing (a JSON text) is
// read as it is. (Before schema version 5 only history was packed, with
// DEFLATE; before version 7 AuditEvents were packed as the rest.)
//
// historyDictV1 must never change: the packed rows depend on it. A better
// dictionary gets a new leading byte and keeps this one for the old rows.

// packedV1 marks a document packed with DEFLATE against historyDictV1
// (history rows written before schema version 5).
const packedV1 = 0x01

// historyDictV1 is the preset dictionary of packedV1: the keys, systems,
// extension URLs and codes that recur in the resources the central keeps,
// the most frequent last (DEFLATE reaches those more cheaply).
const historyDictV1 = `{"resourceType":"EpisodeOfCare","status":"active","patient":{"reference":"Patient/"},"managingOrganization":{"reference":"Organization/","display":""},"team":[{"reference":"CareTeam/","display":""}],"period":{"start":"","end":""}}` +
	`{"resourceType":"CareTeam","status":"active","category":[{"coding":[{"system":"","code":""}]}],"participant":[{"member":{"reference":"Practitioner/"}}]}` +
	`{"resourceType":"QuestionnaireResponse","status":"completed","authored":"","item":[{"linkId":"q1","text":"","answer":[{"valueString":""}]}]}` +
	`{"resourceType":"CarePlan","extension":[{"url":"http://telehjerte.example/fhir/StructureDefinition/regime-phase","valueCode":"ongoing"},{"url":"http://telehjerte.example/fhir/StructureDefinition/effective-from","valueDateTime":""},{"url":"http://telehjerte.example/fhir/StructureDefinition/reevaluation","valueDateTime":""},{"url":"http://telehjerte.example/fhir/StructureDefinition/change-reason","valueString":""},{"url":"http://telehjerte.example/fhir/StructureDefinition/responsible-physician","valueReference":{"reference":"Practitioner/"}}],"status":"active","intent":"plan","title":"TeleHjerte måleregime","activity":[{"reference":{"reference":"ServiceRequest/"}}]}` +
	`{"resourceType":"ServiceRequest","extension":[{"url":"http://ehealth.sundhed.dk/fhir/StructureDefinition/ehealth-referenceRange","extension":[{"url":"low","valueQuantity":{"value":,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}},{"url":"high","valueQuantity":{"value":,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}},{"url":"type","valueCodeableConcept":{"coding":[{"system":"urn:oid:1.2.208.184.100.1","code":"RELRAL"}]}}]},{"url":"http://telehjerte.example/fhir/StructureDefinition/reference-weight"}],"basedOn":[{"reference":"CarePlan/"}],"status":"active","intent":"plan","occurrenceTiming":{"repeat":{"frequency":1,"period":1,"periodUnit":"d","timeOfDay":["12:00:00"]}}}` +
	`{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],"code":{"coding":[{"system":"urn:oid:1.2.208.176.2.1","code":"NPU03804"}]},"subject":{"reference":"Patient/"},"effectiveDateTime":"","issued":"","valueQuantity":{"value":,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"},"interpretation":[{"coding":[{"system":"http://telehjerte.example/fhir/CodeSystem/colour","code":"green"}]}],"component":[{"code":{"coding":[{"system":"urn:oid:1.2.208.176.2.1","code":"DNK05472"}]},"referenceRange":[{"low":{"value":,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"},"high":{"value":,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"},"type":{"coding":[{"system":"urn:oid:1.2.208.184.100.1","code":"RAL"}]}},{"type":{"coding":[{"system":"urn:oid:1.2.208.184.100.1","code":"GAL"}]}}]}]}` +
	`{"resourceType":"ClinicalImpression","status":"completed","code":{"coding":[{"system":"http://ehealth.sundhed.dk/cs/clinicalimpression-code","code":"TriagingResult"}]},"date":"","investigation":[{"code":{"text":"measurement"},"item":[{"reference":"Observation/"}]}],"finding":[{"itemCodeableConcept":{"coding":[{"system":"http://telehjerte.example/fhir/CodeSystem/colour","code":"yellow"}]}}]}` +
	`{"resourceType":"Communication","extension":[{"url":"http://telehjerte.example/fhir/StructureDefinition/thread-id","valueString":""},{"url":"http://ehealth.sundhed.dk/fhir/StructureDefinition/ehealth-administrative-status","valueCoding":{"system":"http://ehealth.sundhed.dk/cs/message-administrative-status","code":"unread"}}],"status":"completed","category":[{"coding":[{"system":"http://ehealth.sundhed.dk/cs/message-category","code":"message"}]}],"topic":{"text":""},"sent":"","received":"","recipient":[{"reference":"CareTeam/"}],"sender":{"reference":"Patient/","display":""},"payload":[{"contentString":""}]}` +
	`{"resourceType":"Task","id":"task-","meta":{"versionId":"1","lastUpdated":"2026-"},"extension":[{"url":"http://ehealth.sundhed.dk/fhir/StructureDefinition/ehealth-task-category","valueCodeableConcept":{"coding":[{"system":"http://ehealth.sundhed.dk/cs/task-category","code":"MeasurementForAssessment"}]}},{"url":"http://telehjerte.example/fhir/StructureDefinition/colour","valueCode":"red"},{"url":"http://ehealth.sundhed.dk/fhir/StructureDefinition/ehealth-task-responsible","valueReference":{"reference":"CareTeam/"}},{"url":"http://ehealth.sundhed.dk/fhir/StructureDefinition/ehealth-task-episodeOfCare","valueReference":{"reference":"EpisodeOfCare/"}}],"status":"ready","intent":"order","priority":"routine","focus":{"reference":"Observation/"},"for":{"reference":"Patient/"},"executionPeriod":{"end":""},"owner":{"reference":"Practitioner/"},"authoredOn":"2026-","lastModified":"2026-"}`

// packedV2 marks a document packed with zstd against historyDictV1 as its
// raw dictionary (dictionary id 1): it decodes about half again as fast as
// DEFLATE, which matters since every search page reads packed documents,
// and packs two to three times as fast, for about a sixth more bytes.
// Documents are packed this way since schema version 5; packedV1 rows
// (history written before) are still read.
const packedV2 = 0x02

// zstdDictID is the id of historyDictV1 in packedV2 frames.
const zstdDictID = 1

// packedV3 marks an AuditEvent packed as an S2 block against
// auditDictV1 (since schema version 7). The access log grows by one
// AuditEvent for every look-up, a console's sync round with nothing new
// included, and is seldom read (the half-yearly access report): zstd with
// historyDictV1 (which knows nothing of AuditEvents) spent more on packing
// each one than the rest of its write, for a document that kept half its
// size. S2 packs it several times faster, and against a dictionary of the
// access log's own shapes it is smaller than before.
const packedV3 = 0x03

// auditDictV1 is the dictionary of packedV3: the shapes of the
// AuditEvents the central writes (access log, administration, team and
// se-adgang changes) and those consoles send, the most frequent (the
// access log's searches) last. It must never change (see historyDictV1).
const auditDictV1 = `{"resourceType":"AuditEvent","id":"","meta":{"versionId":"1","lastUpdated":""},"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},"subtype":[{"system":"http://telehjerte.example/fhir/CodeSystem/console-action","code":"view-patient"}],"action":"R","recorded":"","outcome":"0","agent":[{"who":{"reference":"Practitioner/"},"requestor":true}],"source":{"site":"telehjerte-tui","observer":{"display":""}},"entity":[{"what":{"reference":"Patient/"},"description":"patient"},{"what":{"identifier":{"system":"urn:ietf:rfc:3986","value":"urn:uuid:"}},"description":"console audit entry"}]}` +
	`{"resourceType":"AuditEvent","id":"","meta":{"versionId":"1","lastUpdated":""},"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},"subtype":[{"system":"http://hl7.org/fhir/restful-interaction","code":"update"}],"action":"U","recorded":"","outcome":"0","agent":[{"who":{"display":"administrator "},"requestor":true}],"source":{"site":"telehjerte-central","observer":{"display":"telehjerte-central admin"}},"entity":[{"what":{"reference":"CareTeam/"},"description":"membership {\"added\":[\"Practitioner/\"],\"removed\":[]}"}]}` +
	`{"resourceType":"AuditEvent","id":"","meta":{"versionId":"1","lastUpdated":""},"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},"subtype":[{"system":"http://hl7.org/fhir/restful-interaction","code":"read"}],"action":"R","recorded":"","outcome":"0","agent":[{"who":{"reference":"Patient/"},"requestor":true}],"source":{"site":"telehjerte-central access log","observer":{"display":"telehjerte-central"}},"entity":[{"what":{"reference":"Observation/"},"description":"vread Observation/"},{"what":{"reference":"Patient/"},"description":"patient"}]}` +
	`{"resourceType":"AuditEvent","id":"","meta":{"versionId":"1","lastUpdated":""},"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},"subtype":[{"system":"http://hl7.org/fhir/restful-interaction","code":"search-type"}],"action":"E","recorded":"","outcome":"0","agent":[{"who":{"reference":"Practitioner/"},"requestor":true}],"source":{"site":"telehjerte-central access log","observer":{"display":"telehjerte-central"}},"entity":[{"what":{"display":"Observation"},"description":"search Observation by _lastUpdated,_sort"},{"what":{"reference":"Patient/"},"description":"patient"},{"what":{"reference":"Patient/"},"description":"patient"}]}`

// auditDict is auditDictV1 made ready for S2, its first repeat offset at
// the start of the last shape (every AuditEvent starts like it).
var auditDict = sync.OnceValue(func() *s2.Dict {
	start := strings.LastIndex(auditDictV1, `{"resourceType":"AuditEvent"`)
	d := s2.MakeDictManual([]byte(auditDictV1), uint16(start))
	if d == nil {
		panic("auditDictV1 is no S2 dictionary") // a constant: never
	}
	return d
})

// maxDocument bounds what unpacking a stored document may allocate: far
// above any request body the server accepts (DefaultMaxBody).
const maxDocument = 64 << 20

// The zstd coders are safe for concurrent use and are made once, on first
// use; the DEFLATE readers of packedV1 rows are large (a 32 kB window) and
// kept for the next document. A pooled reader holds nothing between two
// documents: it is reset with the dictionary before each use.
var (
	zstdCoders = sync.OnceValues(func() (*zstd.Encoder, *zstd.Decoder) {
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderDictRaw(zstdDictID, []byte(historyDictV1)),
			zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(false))
		if err != nil {
			panic(fmt.Sprintf("zstd encoder: %v", err)) // fixed options: never
		}
		dec, err := zstd.NewReader(nil, zstd.WithDecoderDictRaw(zstdDictID, []byte(historyDictV1)),
			zstd.WithDecoderMaxMemory(maxDocument))
		if err != nil {
			panic(fmt.Sprintf("zstd decoder: %v", err)) // fixed options: never
		}
		return enc, dec
	})
	inflaters = sync.Pool{New: func() any { return flate.NewReaderDict(bytes.NewReader(nil), []byte(historyDictV1)) }}
)

// packDocument compresses a JSON document of type typ for the resources
// and history tables: AuditEvents packedV3, the rest packedV2.
func packDocument(typ string, js []byte) ([]byte, error) {
	if typ != "AuditEvent" {
		return packJSON(js)
	}
	out := make([]byte, 1, 1+s2.MaxEncodedLen(len(js)))
	out[0] = packedV3
	return append(out[:1], auditDict().Encode(out[1:], js)...), nil
}

// packJSON compresses a JSON document for the resources and history
// tables (packedV2).
func packJSON(js []byte) ([]byte, error) {
	enc, _ := zstdCoders()
	out := make([]byte, 1, len(js)/4+32)
	out[0] = packedV2
	return enc.EncodeAll(js, out), nil
}

// unpackJSON returns the JSON document of a stored column: packed rows are
// decompressed, anything else is returned as it is.
func unpackJSON(stored []byte) ([]byte, error) {
	if len(stored) == 0 {
		return stored, nil
	}
	switch stored[0] {
	case packedV3:
		n, err := s2.DecodedLen(stored[1:])
		if err != nil {
			return nil, fmt.Errorf("unpack document: %w", err)
		}
		if n > maxDocument {
			return nil, fmt.Errorf("unpack document: %d bytes is more than a document may have", n)
		}
		js, err := auditDict().Decode(nil, stored[1:])
		if err != nil {
			return nil, fmt.Errorf("unpack document: %w", err)
		}
		return js, nil
	case packedV2:
		_, dec := zstdCoders()
		// Documents shrink to a sixth or less: start near the right size.
		js, err := dec.DecodeAll(stored[1:], make([]byte, 0, 8*len(stored)))
		if err != nil {
			return nil, fmt.Errorf("unpack document: %w", err)
		}
		return js, nil
	case packedV1:
		r := inflaters.Get().(io.ReadCloser)
		defer inflaters.Put(r)
		if err := r.(flate.Resetter).Reset(bytes.NewReader(stored[1:]), []byte(historyDictV1)); err != nil {
			return nil, fmt.Errorf("unpack document: %w", err)
		}
		b := bytes.NewBuffer(make([]byte, 0, 8*len(stored)))
		if _, err := b.ReadFrom(r); err != nil {
			return nil, fmt.Errorf("unpack document: %w", err)
		}
		return b.Bytes(), nil
	}
	return stored, nil
}

// packed says whether a stored column is a packed document.
func packed(stored []byte) bool {
	return len(stored) > 0 && (stored[0] == packedV1 || stored[0] == packedV2 || stored[0] == packedV3)
}

// DocumentOf returns the JSON document of a json column of resources or
// history read straight from a central's database file, by a tool or
// benchmark that reads the file without the server.
func DocumentOf(column []byte) ([]byte, error) { return unpackJSON(column) }
