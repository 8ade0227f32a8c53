#ifndef ROTATECTL_CDEFLATE_SHIM_H
#define ROTATECTL_CDEFLATE_SHIM_H
/* libdeflate: whole-buffer DEFLATE, for a small file whole and a large one in joined pieces. */
#include <libdeflate.h>
#endif
