/*
 * Copyright (C) 2026 kernel-libnl authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

/**
 * @defgroup kernel_libnl_pace kernel_libnl_pace
 * @{ @ingroup kernel_libnl
 *
 * When to run the event resync (pure logic, the caller owns the clock, the
 * timer and the lock).
 *
 * A resync dumps the whole SAD, so during a sustained storm it must not run
 * back to back: after each one the next waits at least as long as the last
 * took (at most half of the time goes to dumps, the rest to reading events)
 * and at least KERNEL_LIBNL_PACE_MIN_GAP.  Requests while one is pending or
 * running collapse into one more.  A failed dump is retried with backoff,
 * so a lost event is only ever delayed, never forgotten.
 */

#ifndef KERNEL_LIBNL_PACE_H_
#define KERNEL_LIBNL_PACE_H_

#include <library.h>

/** shortest gap between two resyncs, in ms */
#define KERNEL_LIBNL_PACE_MIN_GAP 100
/** longest gap a slow dump imposes, in ms */
#define KERNEL_LIBNL_PACE_MAX_GAP 5000
/** first retry after a failed dump, in ms (doubled per failure) */
#define KERNEL_LIBNL_PACE_RETRY 1000
/** longest retry interval, in ms */
#define KERNEL_LIBNL_PACE_MAX_RETRY 30000

typedef struct kernel_libnl_pace_t kernel_libnl_pace_t;

/**
 * Resync pacing state; zero-initialized is idle.
 */
struct kernel_libnl_pace_t {
	/** the timer is armed for a resync */
	bool armed;
	/** a resync is running */
	bool running;
	/** another one was requested while running */
	bool again;
	/** consecutive failed resyncs */
	u_int failures;
	/** monotonic ms before which the next must not start */
	uint64_t not_before;
	/** monotonic ms at which the running one started */
	uint64_t started;
};

/**
 * A resync is needed (events were lost).
 *
 * @param now			monotonic time in ms
 * @return				arm the timer to fire after this many ms, or -1 if
 *						nothing is to be done (already armed or running)
 */
int64_t kernel_libnl_pace_request(kernel_libnl_pace_t *this, uint64_t now);

/**
 * The timer fired, the resync starts now.
 *
 * @param now			monotonic time in ms
 */
void kernel_libnl_pace_start(kernel_libnl_pace_t *this, uint64_t now);

/**
 * The resync ended.
 *
 * @param now			monotonic time in ms
 * @param ok			whether the dump succeeded
 * @return				arm the timer to fire after this many ms (a retry or
 *						a request that came in meanwhile), or -1
 */
int64_t kernel_libnl_pace_done(kernel_libnl_pace_t *this, uint64_t now,
							   bool ok);

#endif /** KERNEL_LIBNL_PACE_H_ @}*/
