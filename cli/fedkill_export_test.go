package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"gridcmd/federation"
	"gridcmd/model"
	"gridcmd/store"
)

// FedKillChild is the town process of the SIGKILL test (the test binary
// run again with GRIDCMD_FEDKILL_CHILD set): it opens the town's file
// (making its small tower when new), runs the town's node linked to the
// hub, files FEDKILL_N reports, and per the mode kills itself with SIGKILL
// when the publisher reaches FEDKILL_AT: "before" after the batch holding
// it was committed and read and before it is published, "after" once the
// local stream acked it and before the cursor is written. "resume" files
// nothing and waits until the hub has the town's whole log, then prints
// the log's last seq. It returns the exit status.
func FedKillChild() int {
	if err := fedKillChild(); err != nil {
		fmt.Fprintln(os.Stderr, "fedkill child:", err)
		return 1
	}
	return 0
}

func fedKillChild() error {
	ctx := context.Background()
	mode := os.Getenv("GRIDCMD_FEDKILL_CHILD")
	n, _ := strconv.Atoi(os.Getenv("FEDKILL_N"))
	at, _ := strconv.ParseUint(os.Getenv("FEDKILL_AT"), 10, 64)
	town := model.NodeCode(os.Getenv("FEDKILL_TOWN"))
	path := os.Getenv("FEDKILL_DB")
	bt, closeDB, err := benchFedTown(ctx, path, town, store.Options{})
	if err != nil {
		return err
	}
	defer closeDB()
	kill := func(seq uint64) {
		if seq >= at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // never returns: the signal takes the process
		}
	}
	cfg := federation.TownConfig{
		Town: town, StoreDir: os.Getenv("FEDKILL_DIR"), HubURL: os.Getenv("FEDKILL_HUB"),
		NkeySeed: os.Getenv("FEDKILL_SEED"), Outbox: bt.Outbox, Commander: bt.Commander,
		Reconnect: 100 * time.Millisecond,
	}
	switch mode {
	case "before":
		cfg.BeforePublish = kill
	case "after":
		cfg.AfterAck = kill
	}
	node, err := federation.StartTown(ctx, cfg)
	if err != nil {
		return err
	}
	defer node.Close()
	for range n {
		if err := bt.File(ctx); err != nil {
			return err
		}
		node.Notify()
	}
	if mode != "resume" {
		time.Sleep(20 * time.Second) // the hook kills the process long before
		return fmt.Errorf("mode %s: the publisher never reached seq %d", mode, at)
	}
	last, err := bt.LastSeq(ctx)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		l := node.Links()[0]
		if l.Connected && l.LastAckSeq >= last {
			fmt.Println(last)
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the hub did not get the log up to %d: %+v", last, node.Links())
}
