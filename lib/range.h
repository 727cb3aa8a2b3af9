#ifndef GS_RANGE_H
#define GS_RANGE_H
#endif
