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

#include <kernel_libnl_registry.h>

START_TEST(test_registry_lifecycle)
{
	kernel_libnl_registry_t *r;
	kernel_libnl_sa_record_t *rec;
	enumerator_t *enumerator;
	host_t *a, *b;
	mark_t mark = { .value = 42, .mask = 0xff };
	int n = 0;

	r = kernel_libnl_registry_create();
	a = host_create_from_string("192.0.2.1", 0);
	b = host_create_from_string("192.0.2.2", 4500);

	r->add(r, IPPROTO_ESP, htonl(0xc0000001), a, mark);
	r->add(r, IPPROTO_ESP, htonl(0xc0000002), a, mark);
	r->add(r, IPPROTO_AH, htonl(0xc0000001), a, mark);
	ck_assert_int_eq(r->get_count(r), 3);
	/* re-adding replaces */
	r->add(r, IPPROTO_ESP, htonl(0xc0000001), a, mark);
	ck_assert_int_eq(r->get_count(r), 3);

	/* first soft expire delivered, then not again; hard once */
	ck_assert(r->expired(r, IPPROTO_ESP, htonl(0xc0000001), a, FALSE));
	ck_assert(!r->expired(r, IPPROTO_ESP, htonl(0xc0000001), a, FALSE));
	ck_assert(r->expired(r, IPPROTO_ESP, htonl(0xc0000001), a, TRUE));
	ck_assert(!r->expired(r, IPPROTO_ESP, htonl(0xc0000001), a, TRUE));
	/* unknown SAs are always delivered */
	ck_assert(r->expired(r, IPPROTO_ESP, htonl(0xc0000009), a, TRUE));

	/* MOBIKE moves an SA to another address */
	r->update(r, IPPROTO_ESP, htonl(0xc0000002), a, b);
	ck_assert(r->expired(r, IPPROTO_ESP, htonl(0xc0000002), b, FALSE));

	enumerator = r->create_enumerator(r);
	while (enumerator->enumerate(enumerator, &rec))
	{
		if (rec->spi == htonl(0xc0000002))
		{
			ck_assert(rec->dst->ip_equals(rec->dst, b));
			ck_assert(rec->soft_delivered);
		}
		ck_assert_int_eq(rec->mark.value, 42);
		/* changing the registry while enumerating copies is fine */
		r->remove(r, rec->proto, rec->spi, rec->dst);
		n++;
	}
	enumerator->destroy(enumerator);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(r->get_count(r), 0);

	a->destroy(a);
	b->destroy(b);
	r->destroy(r);
}
END_TEST

Suite *registry_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("registry");
	tc = tcase_create("lifecycle");
	tcase_add_test(tc, test_registry_lifecycle);
	suite_add_tcase(s, tc);
	return s;
}
