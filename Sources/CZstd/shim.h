#ifndef ROTATECTL_CZSTD_SHIM_H
#define ROTATECTL_CZSTD_SHIM_H
/* libzstd: streaming zstd compression (with its worker threads) and decompression. */
#include <zstd.h>
#endif
