// Command peer is the Go side of the converter benchmark: the converter a Go plugin author
// writes from Apache- and MIT-licensed parts (package promframes: client_golang's API types
// decoded with json-iterator into grafana-plugin-sdk-go frames), and a comparison of its
// frames with ours.
//
//	peer convert FILE [-reps N] [-out FRAMES] [-chunk BYTES] [-parse-only]
//	    Streams FILE through promframes.Read (as the HTTP body would arrive), then
//	    Frames.MarshalArrow. Prints one JSON line with the same keys as the Rust harness
//	    (crates/plugin/benches/convert.rs).
//	peer compare RUST_FRAMES GO_FRAMES
//	    Decodes both files of length-prefixed Arrow IPC frames with grafana-plugin-sdk-go
//	    and compares timestamps, values (NaN and ±Inf included) and labels series by series.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mahavishnu/mcp-grafana/bench/peer/promframes"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peer convert FILE [-reps N] [-out FRAMES] | peer compare A B")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "convert":
		err = convertCmd(os.Args[2:])
	case "compare":
		err = compareCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

type result struct {
	bytes  int64
	series int
	points int
	frames [][]byte
}

func convertOnce(path string, chunk int, parseOnly bool) (*result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	counted := &countingReader{r: f}
	if parseOnly {
		matrix, err := promframes.Decode(counted, chunk)
		if err != nil {
			return nil, err
		}
		points := 0
		for _, s := range matrix {
			points += len(s.Values)
		}
		return &result{bytes: counted.n, series: len(matrix), points: points}, nil
	}
	frs, err := promframes.Read(counted, chunk)
	if err != nil {
		return nil, err
	}
	points := 0
	for _, fr := range frs {
		points += fr.Rows()
	}
	frames, err := frs.MarshalArrow()
	if err != nil {
		return nil, err
	}
	return &result{bytes: counted.n, series: len(frs), points: points, frames: frames}, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func convertCmd(args []string) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	reps := fs.Int("reps", 1, "runs; the median is reported")
	out := fs.String("out", "", "write the frames (u64 LE length + Arrow IPC) here")
	chunk := fs.Int("chunk", 64*1024, "read size in bytes")
	parseOnly := fs.Bool("parse-only", false, "stop after decoding the series (no frames, no Arrow)")
	if len(args) < 1 {
		return errors.New("convert needs a FILE")
	}
	file := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var times, cpu []float64
	var last *result
	for i := 0; i < max(*reps, 1); i++ {
		last = nil // the previous run's frames are garbage before the next starts
		start := time.Now()
		cpuStart := cpuSeconds()
		r, err := convertOnce(file, *chunk, *parseOnly)
		if err != nil {
			return err
		}
		cpu = append(cpu, cpuSeconds()-cpuStart)
		times = append(times, time.Since(start).Seconds())
		last = r
	}
	ipc := 0
	for _, b := range last.frames {
		ipc += len(b)
	}
	if *out != "" {
		if err := writeFrames(*out, last.frames); err != nil {
			return err
		}
	}
	sort.Float64s(times)
	sort.Float64s(cpu)
	median := times[len(times)/2]
	medianCPU := cpu[len(cpu)/2]
	line, _ := json.Marshal(map[string]any{
		"impl": "go-peer", "file": file, "bytes": last.bytes, "series": last.series,
		"points": last.points, "ipc_bytes": ipc, "reps": len(times),
		"best_s": round6(times[0]), "median_s": round6(median), "median_cpu_s": round6(medianCPU),
		"mb_per_s":     math.Round(float64(last.bytes)/median/1e6*10) / 10,
		"mb_per_cpu_s": math.Round(float64(last.bytes)/medianCPU/1e6*10) / 10,
		"peak_rss_kb":  peakRSSKB(),
	})
	fmt.Println(string(line))
	return nil
}

// cpuSeconds is the CPU time of every thread of the process, the garbage collector's
// included.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// peakRSSKB is VmHWM, the same figure the Rust harness reports.
func peakRSSKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			v, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return v
		}
	}
	return 0
}

func writeFrames(path string, frames [][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, b := range frames {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		if _, err := w.Write(n[:]); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func readFrames(path string) ([]*data.Frame, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var frames []*data.Frame
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, fmt.Errorf("%s: truncated length prefix", path)
		}
		n := binary.LittleEndian.Uint64(b[:8])
		b = b[8:]
		if uint64(len(b)) < n {
			return nil, fmt.Errorf("%s: truncated frame", path)
		}
		fr, err := data.UnmarshalArrowFrame(b[:n])
		if err != nil {
			return nil, fmt.Errorf("%s: frame %d: %w", path, len(frames), err)
		}
		frames = append(frames, fr)
		b = b[n:]
	}
	return frames, nil
}

// series is one frame reduced to what both converters must agree on.
type series struct {
	labels string
	times  []int64 // ms
	values []float64
}

func reduce(fr *data.Frame) (series, error) {
	var s series
	var tf, vf *data.Field
	for _, f := range fr.Fields {
		switch f.Type() {
		case data.FieldTypeTime, data.FieldTypeNullableTime:
			tf = f
		case data.FieldTypeFloat64, data.FieldTypeNullableFloat64:
			vf = f
		}
	}
	if tf == nil || vf == nil {
		return s, fmt.Errorf("frame %q has no time or float field", fr.Name)
	}
	s.labels = vf.Labels.String()
	for i := 0; i < tf.Len(); i++ {
		switch t := tf.At(i).(type) {
		case time.Time:
			s.times = append(s.times, t.UnixMilli())
		case *time.Time:
			s.times = append(s.times, t.UnixMilli())
		}
	}
	for i := 0; i < vf.Len(); i++ {
		switch v := vf.At(i).(type) {
		case float64:
			s.values = append(s.values, v)
		case *float64:
			if v == nil {
				return s, fmt.Errorf("series %s: null value at row %d", s.labels, i)
			}
			s.values = append(s.values, *v)
		}
	}
	return s, nil
}

func compareCmd(args []string) error {
	if len(args) != 2 {
		return errors.New("compare needs two frame files")
	}
	a, err := readFrames(args[0])
	if err != nil {
		return err
	}
	b, err := readFrames(args[1])
	if err != nil {
		return err
	}
	if len(a) != len(b) {
		return fmt.Errorf("%d frames against %d", len(a), len(b))
	}
	points, nan, inf := 0, 0, 0
	for i := range a {
		x, err := reduce(a[i])
		if err != nil {
			return err
		}
		y, err := reduce(b[i])
		if err != nil {
			return err
		}
		if x.labels != y.labels {
			return fmt.Errorf("frame %d: labels %s against %s", i, x.labels, y.labels)
		}
		if len(x.times) != len(y.times) || len(x.values) != len(y.values) {
			return fmt.Errorf("frame %d (%s): %d/%d rows against %d/%d", i, x.labels, len(x.times), len(x.values), len(y.times), len(y.values))
		}
		for j := range x.times {
			if x.times[j] != y.times[j] {
				return fmt.Errorf("frame %d (%s) row %d: time %d against %d", i, x.labels, j, x.times[j], y.times[j])
			}
			p, q := x.values[j], y.values[j]
			same := math.Float64bits(p) == math.Float64bits(q) || (math.IsNaN(p) && math.IsNaN(q))
			if !same {
				return fmt.Errorf("frame %d (%s) row %d: value %v against %v", i, x.labels, j, p, q)
			}
			if math.IsNaN(p) {
				nan++
			} else if math.IsInf(p, 0) {
				inf++
			}
			points++
		}
	}
	fmt.Printf("compare: %d frames, %d points equal (%d NaN, %d ±Inf), labels equal\n", len(a), points, nan, inf)
	return nil
}
