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

typedef struct kernel_libnl_events_t kernel_libnl_events_t;

/**
 * XFRM event socket registered with charon's watcher.
 */
struct kernel_libnl_events_t {

	/**
	 * Destroy this instance, unregistering from the watcher.
	 */
	void (*destroy)(kernel_libnl_events_t *this);
};

/**
 * Create the event socket and start receiving events.
 *
 * @param socket		request sockets (for the resync dumps)
 * @param registry		record of installed SAs
 * @return				instance, NULL if the socket cannot be opened
 */
kernel_libnl_events_t *kernel_libnl_events_create(kernel_libnl_socket_t *socket,
											kernel_libnl_registry_t *registry);

#endif /** KERNEL_LIBNL_EVENTS_H_ @}*/
