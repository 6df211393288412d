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
 * @defgroup kernel_libnl_events kernel_libnl_events
 * @{ @ingroup kernel_libnl
 *
 * The kernel's key-manager events (ACQUIRE, EXPIRE, MAPPING, MIGRATE,
 * POLEXPIRE) delivered to charon, with a resync after socket overflow.
 */

#ifndef KERNEL_LIBNL_EVENTS_H_
#define KERNEL_LIBNL_EVENTS_H_

#include "kernel_libnl_socket.h"
#include "kernel_libnl_registry.h"
#include "kernel_libnl_compat.h"

#include <selectors/traffic_selector.h>

typedef struct kernel_libnl_events_t kernel_libnl_events_t;
typedef struct kernel_libnl_events_sink_t kernel_libnl_events_sink_t;
typedef struct kernel_libnl_events_stats_t kernel_libnl_events_stats_t;

/**
 * Receiver of parsed events.  In charon these calls go to charon->kernel;
 * the unit tests use their own sink.  The arguments are what
 * kernel_interface_t's methods of the same names take.
 */
struct kernel_libnl_events_sink_t {

	/**
	 * An acquire for a trap policy (data is owned by the caller).
	 */
	void (*acquire)(kernel_libnl_events_sink_t *this, uint32_t reqid,
					kernel_acquire_data_t *data);

	/**
	 * A soft or hard expire of an SA (dst is owned by the caller).
	 */
	void (*expire)(kernel_libnl_events_sink_t *this, uint8_t protocol,
				   uint32_t spi, host_t *dst, bool hard);

	/**
	 * A changed NAT mapping of an SA (hosts owned by the caller).
	 */
	void (*mapping)(kernel_libnl_events_sink_t *this, uint8_t protocol,
					uint32_t spi, host_t *dst, host_t *remote);

	/**
	 * A migrated policy; ownership of the selectors and hosts passes to the
	 * sink, as with kernel_interface_t.migrate().
	 */
	void (*migrate)(kernel_libnl_events_sink_t *this, uint32_t reqid,
					traffic_selector_t *src_ts, traffic_selector_t *dst_ts,
					policy_dir_t direction, host_t *local, host_t *remote);
};

/**
 * Counters of the event socket.
 */
struct kernel_libnl_events_stats_t {
	/** messages handled (including ignored ones) */
	u_int received;
	/** datagrams dropped because they were not sent by the kernel */
	u_int foreign;
	/** messages dropped because they were malformed */
	u_int malformed;
	/** messages of an unknown type */
	u_int unknown;
	/** times the socket overflowed (ENOBUFS) */
	u_int overflows;
	/** resyncs done */
	u_int resyncs;
	/** soft expires recovered by resyncs */
	u_int resync_soft;
	/** hard expires recovered by resyncs */
	u_int resync_hard;
	/** acquires recovered by resyncs */
	u_int resync_acquires;
	/** resyncs whose SAD dump failed (each is retried) */
	u_int resync_failures;
};

/**
 * XFRM event socket registered with charon's watcher.
 */
struct kernel_libnl_events_t {

	/**
	 * Process a datagram as received from the event socket.
	 *
	 * @param buf		datagram (one or more netlink messages)
	 * @param len		its length
	 * @param src_pid	netlink port of the sender, 0 for the kernel
	 */
	void (*process)(kernel_libnl_events_t *this, void *buf, size_t len,
					uint32_t src_pid);

	/**
	 * Reconcile the kernel's SAD with the registry after lost events: dump
	 * the SAs, deliver missed hard/soft expires and pending acquires.
	 *
	 * @return			TRUE if the SAD could be dumped
	 */
	bool (*resync)(kernel_libnl_events_t *this);

	/**
	 * Get the counters.
	 *
	 * @param stats		receives the counters
	 */
	void (*get_stats)(kernel_libnl_events_t *this,
					  kernel_libnl_events_stats_t *stats);

	/**
	 * Destroy this instance, unregistering from the watcher.
	 */
	void (*destroy)(kernel_libnl_events_t *this);
};

/**
 * Create the event socket and start receiving events.
 *
 * Options: receive_buffer_size, events_receive_buffer_size.
 *
 * @param socket		request sockets (for the resync dumps)
 * @param registry		record of installed SAs
 * @return				instance, NULL if the socket cannot be opened
 */
kernel_libnl_events_t *kernel_libnl_events_create(kernel_libnl_socket_t *socket,
											kernel_libnl_registry_t *registry);

/**
 * Create an event dispatcher without a socket, delivering to a given sink
 * (unit tests; process() and resync() are driven by the caller).
 *
 * @param socket		request sockets (for the resync dumps)
 * @param registry		record of installed SAs
 * @param sink			receiver of the events
 * @return				instance
 */
kernel_libnl_events_t *kernel_libnl_events_create_sink(
											kernel_libnl_socket_t *socket,
											kernel_libnl_registry_t *registry,
											kernel_libnl_events_sink_t *sink);

#endif /** KERNEL_LIBNL_EVENTS_H_ @}*/
