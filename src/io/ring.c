/* SPDX-License-Identifier: MIT */
/*
 * io/ring.c - the read-ahead thread of a reader: a producer thread runs the
 * decoder (read, inflate or zstd) into a ring of fixed blocks while the
 * caller parses the block it holds, so decompression and parsing overlap
 * on two cores. Blocks go back to the producer when the caller asks for the
 * next one. A decoder error stops the producer; its message (thread-local
 * on the producer) is carried over and raised on the caller's thread once
 * the blocks before it are consumed. Not a general thread pool.
 */
#include "io/io_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <pthread.h>
#include <string.h>

struct mlc_io_ring {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	mlc_io_decoder *dec;
	mlc_io_src *src;
	size_t block_size;
	unsigned nblocks;
	char **blocks;
	size_t *lens;
	uint64_t filled;   /* blocks produced, in total */
	uint64_t consumed; /* blocks handed to the caller, in total */
	int holding;       /* the caller holds block (consumed - 1) */
	int done;          /* producer finished: end of input or error */
	int stop;          /* the caller is closing */
	int err;
	char errmsg[MLCU_ERROR_MAX];
	int started;
};

static void *producer(void *arg)
{
	mlc_io_ring *r = arg;
	/* cancellable only inside the decoder, where a read() from a pipe may
	 * block for ever; never while holding the mutex */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	for (;;) {
		size_t n = 0;
		size_t slot;
		int rc;
		pthread_mutex_lock(&r->mu);
		/* a block is free when neither queued nor held by the caller */
		while (!r->stop && r->filled - r->consumed + (uint64_t)r->holding >= r->nblocks)
			pthread_cond_wait(&r->cv, &r->mu);
		slot = (size_t)(r->filled % r->nblocks);
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			return NULL;
		}
		pthread_mutex_unlock(&r->mu);
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		rc = r->dec->fill(r->dec->ctx, r->src, r->blocks[slot], r->block_size, &n);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		pthread_mutex_lock(&r->mu);
		if (rc) {
			r->err = rc;
			strncpy(r->errmsg, mlc_error_message(), sizeof(r->errmsg) - 1);
		} else if (n > 0) {
			r->lens[slot] = n;
			r->filled++;
		}
		if (rc || n == 0)
			r->done = 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		if (rc || n == 0)
			return NULL;
	}
}

int mlc_io__ring_next(mlc_io_ring *r, const char **out_ptr, size_t *out_len)
{
	int rc = 0;
	pthread_mutex_lock(&r->mu);
	if (r->holding) {
		r->holding = 0;
		pthread_cond_broadcast(&r->cv);
	}
	while (r->consumed == r->filled && !r->done)
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->consumed < r->filled) {
		size_t slot = (size_t)(r->consumed % r->nblocks);
		*out_ptr = r->blocks[slot];
		*out_len = r->lens[slot];
		r->consumed++;
		r->holding = 1;
	} else if (r->err) {
		rc = mlcu_error_set(r->err, "%s", r->errmsg);
	} else {
		*out_ptr = "";
		*out_len = 0;
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}

void mlc_io__ring_stop(mlc_io_ring *r)
{
	if (!r)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->stop = 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		/* a producer blocked reading a pipe that never ends (stdin) would
		 * hold up the join; cancel takes effect only inside the decoder */
		pthread_cancel(r->thread);
		pthread_join(r->thread, NULL);
	}
	for (unsigned i = 0; r->blocks && i < r->nblocks; i++)
		mlcu_free(r->blocks[i]);
	mlcu_free(r->blocks);
	mlcu_free(r->lens);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	mlcu_free(r);
}

int mlc_io__ring_start(mlc_io_ring **out, mlc_io_decoder *dec, mlc_io_src *src, size_t block_size,
		       unsigned nblocks)
{
	mlc_io_ring *r = mlcu_calloc(1, sizeof(*r));
	int rc = 0;
	*out = NULL;
	if (!r)
		return mlcu_error_oom();
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->dec = dec;
	r->src = src;
	r->block_size = block_size;
	r->nblocks = nblocks;
	r->blocks = mlcu_calloc(nblocks, sizeof(*r->blocks));
	r->lens = mlcu_calloc(nblocks, sizeof(*r->lens));
	if (!r->blocks || !r->lens) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (unsigned i = 0; i < nblocks; i++)
		if ((r->blocks[i] = mlcu_malloc(block_size)) == NULL) {
			rc = mlcu_error_oom();
			goto done;
		}
	if (pthread_create(&r->thread, NULL, producer, r) != 0) {
		rc = mlcu_error_set(MLC_ERROR, "%s: cannot start the read-ahead thread", src->name);
		goto done;
	}
	r->started = 1;
	*out = r;
	r = NULL;
done:
	mlc_io__ring_stop(r);
	return rc;
}
