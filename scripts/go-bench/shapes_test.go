// Package gobench holds Go's side of Shuttle's comparison harness (issue 15): the same shapes as
// the JMH benchmarks in shuttle-bench, on goroutines and channels. Every benchmark reports one
// custom metric, ns per unit (message, hop or goroutine), which scripts/bench-quick.sh reads.
//
//	go test -run '^$' -bench . -benchtime 1s -count 3
package gobench

import (
	"sync"
	"testing"
	"time"
)

// report records ns per unit of work for b.N operations of `units` units each.
func report(b *testing.B, start time.Time, units int, unit string) {
	b.StopTimer()
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*units), "ns/"+unit)
}

// producerConsumer: one producer and one consumer goroutine pass b.N messages.
func producerConsumer(b *testing.B, capacity int) {
	ch := make(chan int, capacity)
	done := make(chan struct{})
	b.ResetTimer()
	start := time.Now()
	go func() {
		for i := 0; i < b.N; i++ {
			<-ch
		}
		close(done)
	}()
	for i := 0; i < b.N; i++ {
		ch <- i
	}
	<-done
	report(b, start, 1, "msg")
}

func BenchmarkRendezvous(b *testing.B)  { producerConsumer(b, 0) }
func BenchmarkBuffered16(b *testing.B)  { producerConsumer(b, 16) }
func BenchmarkBuffered100(b *testing.B) { producerConsumer(b, 100) }

// BenchmarkChain16: b.N messages through 1,000 channels of capacity 16, one goroutine forwarding
// between each pair; ns per message per hop.
func BenchmarkChain16(b *testing.B) {
	const hops = 1000
	n := b.N
	first := make(chan int, 16)
	in := first
	for h := 0; h < hops; h++ {
		out := make(chan int, 16)
		go func(in <-chan int, out chan<- int) {
			for i := 0; i < n; i++ {
				out <- <-in
			}
		}(in, out)
		in = out
	}
	last := in
	b.ResetTimer()
	start := time.Now()
	go func() {
		for i := 0; i < n; i++ {
			first <- i
		}
	}()
	for i := 0; i < n; i++ {
		<-last
	}
	report(b, start, hops, "hop")
}

// selectOverTwo: two producers, one consumer selecting over both channels; b.N messages in all.
func selectOverTwo(b *testing.B, capacity int) {
	a := make(chan int, capacity)
	c := make(chan int, capacity)
	half := b.N / 2
	produce := func(ch chan<- int, n int) {
		for i := 0; i < n; i++ {
			ch <- i
		}
	}
	b.ResetTimer()
	start := time.Now()
	go produce(a, half)
	go produce(c, b.N-half)
	for i := 0; i < b.N; i++ {
		select {
		case <-a:
		case <-c:
		}
	}
	report(b, start, 1, "msg")
}

func BenchmarkSelectRendezvous(b *testing.B) { selectOverTwo(b, 0) }
func BenchmarkSelectBuffered16(b *testing.B) { selectOverTwo(b, 16) }

// BenchmarkGoroutineStart: start 1,000 goroutines with `go` and wait for them with a WaitGroup,
// b.N times; ns per goroutine.
func BenchmarkGoroutineStart(b *testing.B) {
	const batch = 1000
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		var wg sync.WaitGroup
		wg.Add(batch)
		for i := 0; i < batch; i++ {
			go func() { wg.Done() }()
		}
		wg.Wait()
	}
	report(b, start, batch, "goroutine")
}
