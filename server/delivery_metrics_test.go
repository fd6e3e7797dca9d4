package server

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// gathered is what one registry holds: series per metric name, and the
// counter value or histogram sample count of each labelled series.
func gathered(t *testing.T, cs ...prometheus.Collector) (series map[string]int, values map[string]float64) {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(cs...)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	series, values = map[string]int{}, map[string]float64{}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			series[f.GetName()]++
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += "/" + l.GetValue()
			}
			if c := m.GetCounter(); c != nil {
				values[key] = c.GetValue()
			} else if h := m.GetHistogram(); h != nil {
				values[key] = float64(h.GetSampleCount())
			}
		}
	}
	return series, values
}

// TestDeliveryMetrics: delivered attempts feed the latency histograms,
// failures count per host, and the host label stops growing at
// maxFailureHosts (later hosts count under "other").
func TestDeliveryMetrics(t *testing.T) {
	d := newDeliveryMetrics()
	boom := errors.New("status 503")
	d.observe("ok.example", 200*time.Millisecond, 3*time.Second, nil)
	d.observe("down.example", time.Second, time.Minute, boom)
	d.observe("down.example", time.Second, time.Minute, boom)
	for i := range maxFailureHosts + 20 {
		d.observe(fmt.Sprintf("h%d.example", i), time.Millisecond, 0, boom)
	}
	series, values := gathered(t, d.failures, d.attempt, d.queued)
	for key, want := range map[string]float64{
		"hearth_delivery_failures_total/down.example": 2,
		// down.example took one slot, so 99 of the h*.example hosts got theirs.
		"hearth_delivery_failures_total/h98.example":     1,
		"hearth_delivery_failures_total/other":           21,
		"hearth_delivery_attempt_duration_seconds/ok":    1,
		"hearth_delivery_attempt_duration_seconds/error": 2 + maxFailureHosts + 20,
		"hearth_delivery_latency_seconds":                1,
	} {
		if values[key] != want {
			t.Errorf("%s = %v, want %v", key, values[key], want)
		}
	}
	if _, ok := values["hearth_delivery_failures_total/h99.example"]; ok {
		t.Error("a host past the bound got its own series")
	}
	if _, ok := values["hearth_delivery_failures_total/ok.example"]; ok {
		t.Error("a delivered host counted a failure")
	}
	if got := series["hearth_delivery_failures_total"]; got != maxFailureHosts+1 {
		t.Errorf("%d host series, want %d", got, maxFailureHosts+1)
	}
}
