// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * keg_zbench.c - kegd's keg compressor (keg_z_keg, user/kegd/keg_compress.c)
 * on a file outside the daemon: the file cut into 1500-byte packets, packed
 * into kegs of Segsize 32768 as kegd packs a flow, each keg through
 * keg_z_keg (zstd level 1 unless told), three passes. Prints the kegs'
 * bytes in and out and the speed as kegd counts it (keg bytes per CPU
 * second in the compressor), so that bench_compress.sh can show the codec's
 * own speed next to kegd's figure under load and `zstd -b1`.
 *
 *   keg_zbench FILE [LEVEL]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "keg_compress.h"
#include "keg_frame.h"

#define PKT 1500

int main(int argc, char **argv)
{
	struct keg_z_conf conf = { KEG_COMPRESS_ZSTD, 1, KEG_COMPRESS_GAIN_DEFAULT };
	static uint8_t kbuf[KEG_HDR_LEN + KEG_SEGSIZE_DEFAULT];
	struct keg_packer p;
	struct keg_z z;
	uint8_t *data;
	long n;
	FILE *f;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: keg_zbench FILE [LEVEL]\n");
		return 2;
	}
	if (argc == 3)
		conf.level = (uint8_t)atoi(argv[2]);
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "keg_zbench: %s: cannot read\n", argv[1]);
		return 1;
	}
	data = malloc((size_t)n);
	if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "keg_zbench: %s: cannot read\n", argv[1]);
		return 1;
	}
	fclose(f);
	if (keg_z_init(&z, &conf, KEG_SEGSIZE_DEFAULT, KEG_SEGSIZE_DEFAULT) ||
	    keg_packer_init(&p, kbuf, KEG_SEGSIZE_DEFAULT, 0)) {
		fprintf(stderr, "keg_zbench: bad level %u\n", conf.level);
		return 2;
	}
	z.peer_z = true;
	for (int pass = 0; pass < 3; pass++) {
		for (long off = 0; off + PKT <= n; off += PKT) {
			int rc = keg_packer_add(&p, 1, data + off, PKT, 0);
			size_t len;

			if (rc == -ENOBUFS) {
				len = keg_packer_finish(&p);
				keg_z_keg(&z, NULL, kbuf, &len);
				rc = keg_packer_add(&p, 1, data + off, PKT, 0);
			}
			if (rc == 1) {
				len = keg_packer_finish(&p);
				keg_z_keg(&z, NULL, kbuf, &len);
			}
		}
	}
	printf("keg_zbench: %s: %lu kegs, %lu -> %lu bytes (%.2f:1), %.1f MB/s of CPU in the "
	       "compressor (zstd level %u)\n", argv[1], (unsigned long)(z.st.kegs_z + z.st.kegs_pass),
	       (unsigned long)z.st.bytes_in, (unsigned long)z.st.bytes_out,
	       (double)z.st.bytes_in / (double)z.st.bytes_out,
	       z.st.cpu_z_ns ? (double)z.st.bytes_in / ((double)z.st.cpu_z_ns / 1e9) / 1e6 : 0,
	       conf.level);
	keg_z_free(&z);
	free(data);
	return 0;
}
