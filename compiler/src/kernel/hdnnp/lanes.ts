/** Lanes per atom (one workgroup) in the HDNNP neighbour kernels: the SIMD width of lavapipe on AVX2/AVX-512 hosts. */
export const LANES = 8;
