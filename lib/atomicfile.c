/* placeholder until implemented */
typedef int gs_placeholder_atomicfile;
