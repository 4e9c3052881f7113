package fhir

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeRejectsMalformed(t *testing.T) {
	cases := map[string]string{
		"empty":           ``,
		"not json":        `hello`,
		"truncated":       `{"resourceType":"Observation","status":"fin`,
		"no type":         `{"status":"final"}`,
		"unknown type":    `{"resourceType":"Spaceship"}`,
		"wrong type":      `{"resourceType":"Observation","status":7,"code":{"coding":[{"code":"x"}]},"subject":{"reference":"Patient/1"}}`,
		"value as string": `{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"x"}]},"subject":{"reference":"Patient/1"},"valueQuantity":{"value":"82"}}`,
		"missing code":    `{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/1"}}`,
		"missing subject": `{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"x"}]}}`,
		"qty no value":    `{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"x"}]},"subject":{"reference":"Patient/1"},"valueQuantity":{"unit":"kg"}}`,
		"bad id":          `{"resourceType":"Patient","id":"a/b"}`,
		"trailing":        `{"resourceType":"Patient"} {}`,
		"invalid utf8":    "{\"resourceType\":\"Patient\",\"id\":\"\xff\"}",
		"huge number":     `{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"x"}]},"subject":{"reference":"Patient/1"},"valueQuantity":{"value":1e999}}`,
		"too big":         `{"resourceType":"Patient","id":"` + strings.Repeat("a", MaxResourceBytes) + `"}`,
		"array":           `[1,2]`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeResource([]byte(in))
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
		})
	}
}

func TestDecodeTypedRejectsOtherType(t *testing.T) {
	_, err := Decode[*Observation]([]byte(`{"resourceType":"Patient","id":"p1"}`))
	if err == nil || !strings.Contains(err.Error(), "Patient") {
		t.Fatalf("got %v", err)
	}
}

func FuzzDecodeResource(f *testing.F) {
	f.Add([]byte(`{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:oid:1.2.208.176.2.1","code":"NPU03804"}]},"subject":{"reference":"Patient/1"},"valueQuantity":{"value":82}}`))
	f.Add([]byte(`{"resourceType":"Task","status":"ready","intent":"order","for":{"reference":"Patient/1"}}`))
	f.Add([]byte(`{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"}}]}`))
	f.Add([]byte(`{"resourceType":"CarePlan","status":"active","intent":"plan","subject":{"reference":"Patient/1"},"extension":[{"url":"x","extension":[{"url":"y"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeResource(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		// Whatever decodes must map without panicking and re-encode.
		switch v := r.(type) {
		case *Observation:
			_, _, _ = ObservationToMeasurement(v)
		case *Task:
			_, _ = TaskFromFHIR(v)
		case *CarePlan:
			_, _ = RegimeFromFHIR(v, nil)
		case *ServiceRequest:
			_, _ = RegimeFromFHIR(&CarePlan{Subject: *Ref("Patient", "1")}, []*ServiceRequest{v})
		case *Communication:
			_, _ = CommunicationToMessage(v)
		case *QuestionnaireResponse:
			_, _ = QuestionnaireResponseToPro(v)
		case *EpisodeOfCare:
			_, _, _ = EpisodeOfCareToResponsibility(v)
		case *Patient:
			_, _ = PatientFromFHIR(v)
		}
		if _, err := Encode(r); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}

// TestDecodeResourceTypeReadFirstOrNot: resourceType is read from the
// first bytes when it leads the object and from the whole document
// otherwise, with the same result; a document naming two resourceTypes
// (encoding/json keeps the last, case-insensitively) is refused instead of
// being decoded as whichever came last.
func TestDecodeResourceTypeReadFirstOrNot(t *testing.T) {
	for _, in := range []string{
		`{"resourceType":"Patient","id":"p1"}`,
		" \n{ \"resourceType\" :\t\"Patient\", \"id\":\"p1\"}",
		`{"id":"p1","resourceType":"Patient"}`,
	} {
		r, err := DecodeResource([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if p, ok := r.(*Patient); !ok || p.ID != "p1" || p.ResourceType != "Patient" {
			t.Errorf("%s decoded as %#v", in, r)
		}
	}
	for _, in := range []string{
		`{"resourceType":"Patient","id":"p1","resourceType":"Organization"}`,
		`{"resourceType":"Organization","id":"p1","resourceType":"Patient"}`,
		`{"resourceType":"Patient","id":"p1","ResourceType":"Organization"}`,
		`{"resourceType":"Patient","id":"p1"`,
		`{"resourceType":"Patient","id":"p1"} {}`,
		`{"resourceType":"Pati\u0065nt","id":"p1","resourceType":"Observation"}`,
		`{"resourceType":"","id":"p1"}`,
	} {
		if r, err := DecodeResource([]byte(in)); err == nil {
			t.Errorf("%s decoded as %#v, want an error", in, r)
		}
	}
}
