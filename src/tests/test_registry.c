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

/**
 * Destination of the record with the given SPI, enumerated (a copy's)
 */
static bool dst_is(kernel_libnl_registry_t *r, uint32_t spi, char *addr,
				   uint16_t port)
{
	kernel_libnl_sa_record_t *rec;
	enumerator_t *enumerator;
	host_t *expected;
	bool found = FALSE;

	expected = host_create_from_string(addr, port);
	enumerator = r->create_enumerator(r);
	while (enumerator->enumerate(enumerator, &rec))
	{
		if (rec->spi == spi)
		{
			found = rec->dst->equals(rec->dst, expected);
		}
	}
	enumerator->destroy(enumerator);
	expected->destroy(expected);
	return found;
}

START_TEST(test_registry_dst)
{
	kernel_libnl_registry_t *r;
	host_t *a, *a2, *b;
	mark_t mark = {};

	r = kernel_libnl_registry_create();
	a = host_create_from_string("192.0.2.1", 0);
	a2 = host_create_from_string("192.0.2.1", 4500);
	b = host_create_from_string("192.0.2.2", 0);

	/* each record keeps its destination, with the port as given */
	r->add(r, IPPROTO_ESP, htonl(1), a, mark);
	r->add(r, IPPROTO_ESP, htonl(2), a, mark);
	r->add(r, IPPROTO_ESP, htonl(3), a2, mark);
	/* the caller's hosts are not kept */
	a->set_port(a, 1234);
	ck_assert(dst_is(r, htonl(1), "192.0.2.1", 0));
	ck_assert(dst_is(r, htonl(3), "192.0.2.1", 4500));

	/* removing or moving one record leaves the others' destinations */
	r->remove(r, IPPROTO_ESP, htonl(1), a);
	ck_assert(dst_is(r, htonl(2), "192.0.2.1", 0));
	r->update(r, IPPROTO_ESP, htonl(2), a, b);
	ck_assert(dst_is(r, htonl(2), "192.0.2.2", 0));
	ck_assert(dst_is(r, htonl(3), "192.0.2.1", 4500));
	/* update to the same address, and re-adding replaces */
	r->update(r, IPPROTO_ESP, htonl(2), b, b);
	r->add(r, IPPROTO_ESP, htonl(2), b, mark);
	ck_assert_int_eq(r->get_count(r), 2);
	ck_assert(dst_is(r, htonl(2), "192.0.2.2", 0));
	r->remove(r, IPPROTO_ESP, htonl(2), b);
	ck_assert_int_eq(r->get_count(r), 1);

	a->destroy(a);
	a2->destroy(a2);
	b->destroy(b);
	/* the remaining record's host is freed with the registry */
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
	tcase_add_test(tc, test_registry_dst);
	suite_add_tcase(s, tc);

	return s;
}
