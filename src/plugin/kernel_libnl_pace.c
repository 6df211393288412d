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

#include "kernel_libnl_pace.h"

/**
 * Delay until not_before
 */
static int64_t delay(kernel_libnl_pace_t *this, uint64_t now)
{
	return this->not_before > now ? this->not_before - now : 0;
}

/*
 * Described in header
 */
int64_t kernel_libnl_pace_request(kernel_libnl_pace_t *this, uint64_t now)
{
	if (this->running)
	{	/* the running dump may have read the SA before its event was lost */
		this->again = TRUE;
		return -1;
	}
	if (this->armed)
	{
		return -1;
	}
	this->armed = TRUE;
	return delay(this, now);
}

/*
 * Described in header
 */
void kernel_libnl_pace_start(kernel_libnl_pace_t *this, uint64_t now)
{
	this->armed = FALSE;
	this->again = FALSE;
	this->running = TRUE;
	this->started = now;
}

/*
 * Described in header
 */
int64_t kernel_libnl_pace_done(kernel_libnl_pace_t *this, uint64_t now,
							   bool ok)
{
	uint64_t gap, took = now > this->started ? now - this->started : 0;

	this->running = FALSE;
	if (ok)
	{
		this->failures = 0;
		gap = max(min(took, KERNEL_LIBNL_PACE_MAX_GAP),
				  KERNEL_LIBNL_PACE_MIN_GAP);
	}
	else
	{	/* 1 s, 2 s, 4 s, ... 30 s */
		this->failures++;
		gap = min((uint64_t)KERNEL_LIBNL_PACE_RETRY <<
				  min(this->failures - 1, 5), KERNEL_LIBNL_PACE_MAX_RETRY);
		this->again = TRUE;
	}
	this->not_before = now + gap;
	if (!this->again)
	{
		return -1;
	}
	this->again = FALSE;
	this->armed = TRUE;
	return delay(this, now);
}
