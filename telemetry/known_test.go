package telemetry

import (
	"sync"
	"testing"
)

// TestKnown: known makes each key's child once, while it keeps fewer than
// maxKnown, and always returns the key's own.
func TestKnown(t *testing.T) {
	var k known[int, *int]
	var mu sync.Mutex
	made := map[int]int{}
	child := func(i int) *int {
		mu.Lock()
		made[i]++
		mu.Unlock()
		v := i
		return &v
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < maxKnown+50; i++ {
				if v := k.get(i, child); *v != i {
					t.Errorf("get(%d) = %d", i, *v)
				}
			}
		}()
	}
	wg.Wait()
	for i := 0; i < maxKnown; i++ {
		if *k.get(i, child) != i || made[i] > 4 {
			t.Fatalf("key %d: made %d times", i, made[i])
		}
	}
	before := made[maxKnown+10]
	if *k.get(maxKnown+10, child) != maxKnown+10 || made[maxKnown+10] != before+1 {
		t.Error("a key past maxKnown is not made each time")
	}
	if len(*k.m.Load()) != maxKnown {
		t.Errorf("known keeps %d, want %d", len(*k.m.Load()), maxKnown)
	}
}
