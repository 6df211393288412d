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

#include "tests.h"

#include <kernel_libnl_hostpool.h>

START_TEST(test_hostpool_share)
{
	kernel_libnl_hostpool_t *pool;
	host_t *a, *a2, *b, *c, *pa, *pa2, *pb, *pc, *p;

	pool = kernel_libnl_hostpool_create();
	a = host_create_from_string("192.0.2.1", 0);
	a2 = host_create_from_string("192.0.2.1", 4500);
	b = host_create_from_string("2001:db8::1", 0);
	c = host_create_from_string("198.51.100.1", 0);

	/* equal hosts are one clone, a port makes another one */
	pa = pool->get(pool, a);
	ck_assert(pa != a && pa->equals(pa, a));
	ck_assert(pool->get(pool, a) == pa);
	pa2 = pool->get(pool, a2);
	ck_assert(pa2 != pa && pa2->get_port(pa2) == 4500);
	/* more hosts than the recently used ones: found by their hash */
	pb = pool->get(pool, b);
	pc = pool->get(pool, c);
	ck_assert(pool->get(pool, a) == pa);
	ck_assert(pool->get(pool, b) == pb);
	ck_assert(pool->get(pool, a2) == pa2);

	/* a host that is not the pool's, if equal, releases nothing */
	pool->put(pool, a);
	ck_assert(pool->get(pool, a) == pa);

	/* pa has 4 references: the last put frees it (a recently used one,
	 * so a later get() must not find it there), the others stay */
	pool->put(pool, pa);
	pool->put(pool, pa);
	pool->put(pool, pa);
	ck_assert(pool->get(pool, b) == pb);
	pool->put(pool, pa);
	pool->put(pool, pb);
	p = pool->get(pool, c);
	ck_assert(p == pc);
	p = pool->get(pool, a);
	ck_assert(p->equals(p, a));
	ck_assert(pool->get(pool, a2) == pa2);
	ck_assert(pool->get(pool, b) == pb);

	a->destroy(a);
	a2->destroy(a2);
	b->destroy(b);
	c->destroy(c);
	/* what is left is freed with the pool */
	pool->destroy(pool);
}
END_TEST

START_TEST(test_hostpool_many)
{
	kernel_libnl_hostpool_t *pool;
	host_t *hosts[512], *host;
	char buf[32];
	int i, round;

	pool = kernel_libnl_hostpool_create();
	for (round = 0; round < 2; round++)
	{
		for (i = 0; i < countof(hosts); i++)
		{
			snprintf(buf, sizeof(buf), "10.%d.%d.%d", round, i >> 8, i & 0xff);
			host = host_create_from_string(buf, 0);
			hosts[i] = pool->get(pool, host);
			ck_assert(pool->get(pool, host) == hosts[i]);
			host->destroy(host);
		}
		/* in an order other than the recently used one */
		for (i = 0; i < countof(hosts); i++)
		{
			host = hosts[(i * 7) % countof(hosts)];
			pool->put(pool, host);
			pool->put(pool, host);
		}
	}
	pool->destroy(pool);
}
END_TEST

Suite *hostpool_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("hostpool");
	tc = tcase_create("sharing");
	tcase_add_test(tc, test_hostpool_share);
	tcase_add_test(tc, test_hostpool_many);
	suite_add_tcase(s, tc);
	return s;
}
