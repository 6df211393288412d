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
 * @defgroup kernel_libnl_hostpool kernel_libnl_hostpool
 * @{ @ingroup kernel_libnl
 *
 * Refcounted hosts shared by the policy store's mappings: thousands of
 * CHILD_SAs use a handful of addresses, and a host_t costs 224 bytes.
 */

#ifndef KERNEL_LIBNL_HOSTPOOL_H_
#define KERNEL_LIBNL_HOSTPOOL_H_

#include <networking/host.h>

typedef struct kernel_libnl_hostpool_t kernel_libnl_hostpool_t;

/**
 * Pool of shared hosts, not thread-safe (its users hold their own lock).
 */
struct kernel_libnl_hostpool_t {

	/**
	 * Get the shared host equal to the given one (host_t.equals(): family,
	 * address and port), so it is interchangeable with it.
	 *
	 * @param host		host to look up (not adopted, cloned if new)
	 * @return			shared host, release with put()
	 */
	host_t *(*get)(kernel_libnl_hostpool_t *this, host_t *host);

	/**
	 * Release a host returned by get().
	 *
	 * @param host		shared host
	 */
	void (*put)(kernel_libnl_hostpool_t *this, host_t *host);

	/**
	 * Destroy the pool and the hosts still in it.
	 */
	void (*destroy)(kernel_libnl_hostpool_t *this);
};

/**
 * Create an empty pool.
 *
 * @return			pool
 */
kernel_libnl_hostpool_t *kernel_libnl_hostpool_create();

#endif /** KERNEL_LIBNL_HOSTPOOL_H_ @}*/
