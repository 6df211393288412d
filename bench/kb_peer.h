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
 * Peer addresses of the benchmark's CHILD_SAs, shared by kbench and rawfloor.
 *
 * The kernel hashes SAs by (family ^ reqid ^ (daddr + saddr)).  Counting
 * peers up alongside charon's sequential reqids cancels out in that XOR:
 * 50 000 CHILD_SAs ended up in 56 buckets and every NEWSA walked chains of
 * ~11 000 SAs.  A gateway's peers do not follow its reqids, so the peer of
 * CHILD_SA i is a bijective scramble of i within 198.18.0.0/15.
 */

#ifndef KB_PEER_H_
#define KB_PEER_H_

#include <stdint.h>

/** CHILD_SAs with a unique peer (and a unique remote /24, 10.x.y.0) */
#define KB_MAX_CHILDREN 65536

/**
 * Host-order IPv4 address of the peer of CHILD_SA i (0 <= i < 2^17 - 1),
 * never 198.18.0.0: xorshift-multiply steps on 17 bits, each invertible
 */
static inline uint32_t kb_peer(uint32_t i)
{
	uint32_t x = (i + 1) & 0x1ffff;

	x ^= x >> 9;
	x = (x * 0x1b873) & 0x1ffff;
	x ^= x >> 7;
	x = (x * 0x0d35b) & 0x1ffff;
	x ^= x >> 8;
	return (198u << 24 | 18u << 16) + x;
}

#endif /** KB_PEER_H_ */
