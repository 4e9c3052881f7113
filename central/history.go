package central

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"
)

// Stored documents, the current version in resources and the superseded
// ones in history, are compressed with DEFLATE against a preset dictionary
// of the project's own FHIR vocabulary: a version of a few hundred bytes
// to 2 kB shrinks to about a seventh. A packed document starts with the
// byte packedV1, which no JSON document starts with; a row written before
// packing (a JSON text) is read as it is. (Before schema version 5 only
// history was packed.)
//
// historyDictV1 must never change: the packed rows depend on it. A better
// dictionary gets a new leading byte and keeps this one for the old rows.

// packedV1 marks a document packed with historyDictV1.
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

// The DEFLATE coders are large (a compressor's tables are several hundred
// kB): they are kept for the next document instead of made anew each
// time. A pooled coder holds nothing between two documents: it is reset
// with the dictionary before each use.
var (
	packers = sync.Pool{New: func() any {
		w, err := flate.NewWriterDict(io.Discard, flate.DefaultCompression, []byte(historyDictV1))
		if err != nil {
			panic(err) // only for a level out of range
		}
		return w
	}}
	unpackers = sync.Pool{New: func() any { return flate.NewReaderDict(bytes.NewReader(nil), []byte(historyDictV1)) }}
)

// packJSON compresses a JSON document for the resources and history
// tables.
func packJSON(js []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(js)/4 + 16)
	b.WriteByte(packedV1)
	w := packers.Get().(*flate.Writer)
	defer packers.Put(w)
	w.Reset(&b)
	if _, err := w.Write(js); err != nil {
		return nil, fmt.Errorf("pack document: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("pack document: %w", err)
	}
	return b.Bytes(), nil
}

// unpackJSON returns the JSON document of a stored column: packed rows are
// decompressed, anything else is returned as it is.
func unpackJSON(stored []byte) ([]byte, error) {
	if len(stored) == 0 || stored[0] != packedV1 {
		return stored, nil
	}
	r := unpackers.Get().(io.ReadCloser)
	defer unpackers.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(stored[1:]), []byte(historyDictV1)); err != nil {
		return nil, fmt.Errorf("unpack document: %w", err)
	}
	// Documents shrink to a seventh or less: start near the right size.
	b := bytes.NewBuffer(make([]byte, 0, 8*len(stored)))
	if _, err := b.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("unpack document: %w", err)
	}
	return b.Bytes(), nil
}

// DocumentOf returns the JSON document of a json column of resources or
// history read straight from a central's database file, by a tool or
// benchmark that reads the file without the server.
func DocumentOf(column []byte) ([]byte, error) { return unpackJSON(column) }
