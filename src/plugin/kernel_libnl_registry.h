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
 * @defgroup kernel_libnl_registry kernel_libnl_registry
 * @{ @ingroup kernel_libnl
 *
 * Record of the SAs kernel-libnl installed and of the expire events delivered
 * for them.  It is what the event resync after a socket overflow reconciles
 * the kernel's SAD with: an SA that vanished unreported gets its hard expire,
 * one past a soft limit without a delivered soft expire gets that.
 */

#ifndef KERNEL_LIBNL_REGISTRY_H_
#define KERNEL_LIBNL_REGISTRY_H_

#include <library.h>
#include <networking/host.h>
#include <ipsec/ipsec_types.h>
#include <collections/enumerator.h>

typedef struct kernel_libnl_registry_t kernel_libnl_registry_t;
typedef struct kernel_libnl_sa_record_t kernel_libnl_sa_record_t;

/**
 * An installed SA as recorded.
 */
struct kernel_libnl_sa_record_t {
	/** IPPROTO_ESP or IPPROTO_AH */
	uint8_t proto;
	/** SPI, network order */
	uint32_t spi;
	/** destination address */
	host_t *dst;
	/** mark of the SA */
	mark_t mark;
	/** a soft expire was delivered to charon */
	bool soft_delivered;
	/** a hard expire was delivered to charon */
	bool hard_delivered;
};

/**
 * Thread-safe record of installed SAs.
 */
struct kernel_libnl_registry_t {

	/**
	 * Record an installed SA (replaces an existing record).
	 *
	 * @param proto		IPPROTO_ESP or IPPROTO_AH
	 * @param spi		SPI, network order
	 * @param dst		destination address (cloned)
	 * @param mark		mark of the SA
	 */
	void (*add)(kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
				host_t *dst, mark_t mark);

	/**
	 * Forget an SA.
	 *
	 * @param proto		IPPROTO_ESP or IPPROTO_AH
	 * @param spi		SPI, network order
	 * @param dst		destination address
	 */
	void (*remove)(kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
				   host_t *dst);

	/**
	 * An SA moved to a new destination address (update_sa).
	 *
	 * @param proto		IPPROTO_ESP or IPPROTO_AH
	 * @param spi		SPI, network order
	 * @param dst		old destination address
	 * @param new_dst	new destination address (cloned)
	 */
	void (*update)(kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
				   host_t *dst, host_t *new_dst);

	/**
	 * Note an expire delivered to charon.
	 *
	 * @param proto		IPPROTO_ESP or IPPROTO_AH
	 * @param spi		SPI, network order
	 * @param dst		destination address
	 * @param hard		TRUE for a hard expire
	 * @return			FALSE if the same expire was delivered already
	 */
	bool (*expired)(kernel_libnl_registry_t *this, uint8_t proto,
					uint32_t spi, host_t *dst, bool hard);

	/**
	 * Enumerate copies of all records (safe against concurrent changes).
	 *
	 * @return			enumerator over kernel_libnl_sa_record_t*
	 */
	enumerator_t *(*create_enumerator)(kernel_libnl_registry_t *this);

	/**
	 * Number of recorded SAs.
	 *
	 * @return			count
	 */
	u_int (*get_count)(kernel_libnl_registry_t *this);

	/**
	 * Destroy the registry.
	 */
	void (*destroy)(kernel_libnl_registry_t *this);
};

/**
 * Create an empty registry.
 *
 * @return				registry
 */
kernel_libnl_registry_t *kernel_libnl_registry_create();

#endif /** KERNEL_LIBNL_REGISTRY_H_ @}*/
