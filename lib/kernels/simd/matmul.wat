;; out[m×n] = A[m×k] · B[k×n] in float32 with WebAssembly SIMD (f32x4: four floats per vector).
;;
;; A and B are read through strides (in elements), so one kernel serves matmul, matmulTransA and
;; matmulTransB: A(i,p) = a[i·ars + p·acs] and B(p,j) = b[p·brs + j·bcs]. All pointers are byte
;; offsets into this module's memory, which the JavaScript wrapper (matmul.ts) lays out and grows.
;;
;; How it goes (see README.md beside this file):
;;   1. pack B into panels of 8 columns: panel q holds B(p, 8q..8q+7) for p = 0..k-1, 8 floats
;;      in a row, zero-padded past column n, so the micro-kernel reads B with two aligned-size
;;      vector loads per step whatever B's strides were;
;;   2. for every 4 rows of A and every panel, the 4×8 micro-kernel keeps the 4×8 tile of out
;;      in 8 vector registers for the whole sum over p: per step, 4 broadcasts of A, 2 loads of
;;      B, 8 multiplies and 8 adds (64 flops for 6 loads);
;;   3. the last 1–3 rows of A take the 1×8 kernel; the last panel stores only its n mod 8
;;      real columns, through a 32-byte scratch tile at address 0.
;;
;; Special values: gemm computes every product (no zero is skipped), so NaN and 0·Infinity reach
;; the output as in TF.js. NOTE: sums are kept in float32, as TF.js' wasm backend keeps them;
;; the plain TypeScript kernels keep float64 partial sums, so a partial sum beyond ±3.4e38 that
;; later cancels is Infinity here and finite there.
(module
  (memory (export "memory") 1)

  ;; Bytes 0..31: the scratch tile for partial stores. The wrapper places arrays after it.
  (global $scratch i32 (i32.const 0))

  ;; Copies B(p, j) into panels of 8 columns at `pack` (k·8 floats per panel, zero-padded).
  (func $pack_b (param $b i32) (param $k i32) (param $n i32) (param $brs i32) (param $bcs i32)
                (param $pack i32)
    (local $j0 i32) (local $p i32) (local $c i32) (local $dst i32) (local $src i32)
    (local.set $dst (local.get $pack))
    (block $panels_done
      (loop $panels
        (br_if $panels_done (i32.ge_s (local.get $j0) (local.get $n)))
        (local.set $p (i32.const 0))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_s (local.get $p) (local.get $k)))
            (local.set $c (i32.const 0))
            (loop $cols
              (if (i32.lt_s (i32.add (local.get $j0) (local.get $c)) (local.get $n))
                (then
                  (local.set $src
                    (i32.add (local.get $b)
                      (i32.shl
                        (i32.add (i32.mul (local.get $p) (local.get $brs))
                                 (i32.mul (i32.add (local.get $j0) (local.get $c)) (local.get $bcs)))
                        (i32.const 2))))
                  (f32.store (local.get $dst) (f32.load (local.get $src))))
                (else (f32.store (local.get $dst) (f32.const 0))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br_if $cols (i32.lt_s (local.get $c) (i32.const 8))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rows)))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
        (br $panels))))

  ;; Stores one row of a tile (lo = columns 0..3, hi = 4..7) at `dst`: all 8 columns when
  ;; cols = 8, else the first `cols` of them through the scratch tile.
  (func $store_row (param $dst i32) (param $lo v128) (param $hi v128) (param $cols i32)
    (if (i32.eq (local.get $cols) (i32.const 8))
      (then
        (v128.store (local.get $dst) (local.get $lo))
        (v128.store offset=16 (local.get $dst) (local.get $hi)))
      (else
        (v128.store (global.get $scratch) (local.get $lo))
        (v128.store offset=16 (global.get $scratch) (local.get $hi))
        (memory.copy (local.get $dst) (global.get $scratch) (i32.shl (local.get $cols) (i32.const 2))))))

  ;; The 4×8 micro-kernel: out rows at dst, dst+ldc, … (bytes); A rows at a0..a3 advance by
  ;; acs bytes per step; the panel advances by 32 bytes per step.
  (func $tile4x8 (param $a0 i32) (param $acs i32) (param $ars i32) (param $panel i32) (param $k i32)
                 (param $dst i32) (param $ldc i32) (param $cols i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (i32.add (local.get $a0) (local.get $ars)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $ars)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $ars)))
    (local.set $end (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 5))))
    (block $done
      (loop $steps
        (br_if $done (i32.ge_u (local.get $panel) (local.get $end)))
        (local.set $b0 (v128.load (local.get $panel)))
        (local.set $b1 (v128.load offset=16 (local.get $panel)))
        (local.set $x (v128.load32_splat (local.get $a0)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a1)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a2)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a3)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $a0 (i32.add (local.get $a0) (local.get $acs)))
        (local.set $a1 (i32.add (local.get $a1) (local.get $acs)))
        (local.set $a2 (i32.add (local.get $a2) (local.get $acs)))
        (local.set $a3 (i32.add (local.get $a3) (local.get $acs)))
        (local.set $panel (i32.add (local.get $panel) (i32.const 32)))
        (br $steps)))
    (call $store_row (local.get $dst) (local.get $c00) (local.get $c01) (local.get $cols))
    (local.set $dst (i32.add (local.get $dst) (local.get $ldc)))
    (call $store_row (local.get $dst) (local.get $c10) (local.get $c11) (local.get $cols))
    (local.set $dst (i32.add (local.get $dst) (local.get $ldc)))
    (call $store_row (local.get $dst) (local.get $c20) (local.get $c21) (local.get $cols))
    (local.set $dst (i32.add (local.get $dst) (local.get $ldc)))
    (call $store_row (local.get $dst) (local.get $c30) (local.get $c31) (local.get $cols)))

  ;; One row of A against one panel: the 4×8 kernel cut to its first row, for the last m mod 4.
  (func $tile1x8 (param $a0 i32) (param $acs i32) (param $panel i32) (param $k i32)
                 (param $dst i32) (param $cols i32)
    (local $end i32) (local $x v128) (local $c0 v128) (local $c1 v128)
    (local.set $end (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 5))))
    (block $done
      (loop $steps
        (br_if $done (i32.ge_u (local.get $panel) (local.get $end)))
        (local.set $x (v128.load32_splat (local.get $a0)))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $x) (v128.load (local.get $panel)))))
        (local.set $c1
          (f32x4.add (local.get $c1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $panel)))))
        (local.set $a0 (i32.add (local.get $a0) (local.get $acs)))
        (local.set $panel (i32.add (local.get $panel) (i32.const 32)))
        (br $steps)))
    (call $store_row (local.get $dst) (local.get $c0) (local.get $c1) (local.get $cols)))

  ;; out[m×n] = A·B, A(i,p) = a[i·ars + p·acs], B(p,j) = b[p·brs + j·bcs] (strides in floats);
  ;; `pack` needs ceil(n/8)·k·8 floats. Rows of A outside, panels inside: a block of 4 rows of A
  ;; (4·k floats, 12.5 KB at k = 784) stays in the L1 cache while every panel streams past it.
  (func (export "gemm") (param $out i32) (param $a i32) (param $b i32)
                        (param $m i32) (param $k i32) (param $n i32)
                        (param $ars i32) (param $acs i32) (param $brs i32) (param $bcs i32)
                        (param $pack i32)
    (local $i i32) (local $j0 i32) (local $cols i32) (local $arow i32) (local $panel i32)
    (local $ldc i32) (local $panelBytes i32)
    (call $pack_b (local.get $b) (local.get $k) (local.get $n) (local.get $brs) (local.get $bcs)
                  (local.get $pack))
    ;; From here on strides are in bytes.
    (local.set $ars (i32.shl (local.get $ars) (i32.const 2)))
    (local.set $acs (i32.shl (local.get $acs) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (local.set $panelBytes (i32.shl (local.get $k) (i32.const 5)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ars))))
        (local.set $j0 (i32.const 0))
        (local.set $panel (local.get $pack))
        (block $panels_done
          (loop $panels
            (br_if $panels_done (i32.ge_s (local.get $j0) (local.get $n)))
            (local.set $cols (i32.sub (local.get $n) (local.get $j0)))
            (if (i32.gt_s (local.get $cols) (i32.const 8)) (then (local.set $cols (i32.const 8))))
            (if (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $m))
              (then
                (call $tile4x8 (local.get $arow) (local.get $acs) (local.get $ars) (local.get $panel)
                               (local.get $k)
                               (i32.add (local.get $out)
                                 (i32.add (i32.mul (local.get $i) (local.get $ldc))
                                          (i32.shl (local.get $j0) (i32.const 2))))
                               (local.get $ldc) (local.get $cols)))
              (else
                (call $tile1x8 (local.get $arow) (local.get $acs) (local.get $panel) (local.get $k)
                               (i32.add (local.get $out)
                                 (i32.add (i32.mul (local.get $i) (local.get $ldc))
                                          (i32.shl (local.get $j0) (i32.const 2))))
                               (local.get $cols))))
            (local.set $panel (i32.add (local.get $panel) (local.get $panelBytes)))
            (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
            (br $panels)))
        (local.set $i
          (i32.add (local.get $i)
            (select (i32.const 4) (i32.const 1) (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))))
        (br $rows))))

  ;; Sparse rows times dense rows, for a factor that is mostly zeros (MNIST pixels: 81%):
  ;;   out[i, 0..n) = Σ_q vals[q] · B-row(offs[q])   over q = start[i] .. start[i+1]−1
  ;; `start` holds m+1 indices into offs/vals (i32 each); offs[q] is the byte address of a row of
  ;; B (n floats). The JavaScript side lists the nonzeros, so the same kernel does a·B (the lists
  ;; are a's rows) and aᵀ·B (its columns). A block of 32 columns of out stays in 8 registers while
  ;; the listed rows stream past; then blocks of 4, then single columns.
  (func (export "spmm") (param $out i32) (param $start i32) (param $offs i32) (param $vals i32)
                        (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $q i32) (local $end i32) (local $src i32) (local $dst i32)
    (local $x v128) (local $s f32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $end (i32.load offset=4 (i32.add (local.get $start) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $dst (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
        (local.set $j (i32.const 0))
        ;; 32 columns at a time
        (block $wide_done
          (loop $wide
            (br_if $wide_done (i32.gt_s (i32.add (local.get $j) (i32.const 32)) (local.get $n)))
            (local.set $c0 (v128.const i32x4 0 0 0 0)) (local.set $c1 (v128.const i32x4 0 0 0 0))
            (local.set $c2 (v128.const i32x4 0 0 0 0)) (local.set $c3 (v128.const i32x4 0 0 0 0))
            (local.set $c4 (v128.const i32x4 0 0 0 0)) (local.set $c5 (v128.const i32x4 0 0 0 0))
            (local.set $c6 (v128.const i32x4 0 0 0 0)) (local.set $c7 (v128.const i32x4 0 0 0 0))
            (local.set $q (i32.load (i32.add (local.get $start) (i32.shl (local.get $i) (i32.const 2)))))
            (block $nz_done
              (loop $nz
                (br_if $nz_done (i32.ge_s (local.get $q) (local.get $end)))
                (local.set $x (v128.load32_splat (i32.add (local.get $vals) (i32.shl (local.get $q) (i32.const 2)))))
                (local.set $src
                  (i32.add (i32.load (i32.add (local.get $offs) (i32.shl (local.get $q) (i32.const 2))))
                           (i32.shl (local.get $j) (i32.const 2))))
                (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $x) (v128.load (local.get $src)))))
                (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $src)))))
                (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $src)))))
                (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $src)))))
                (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $x) (v128.load offset=64 (local.get $src)))))
                (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $x) (v128.load offset=80 (local.get $src)))))
                (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $x) (v128.load offset=96 (local.get $src)))))
                (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $x) (v128.load offset=112 (local.get $src)))))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $nz)))
            (v128.store (local.get $dst) (local.get $c0))
            (v128.store offset=16 (local.get $dst) (local.get $c1))
            (v128.store offset=32 (local.get $dst) (local.get $c2))
            (v128.store offset=48 (local.get $dst) (local.get $c3))
            (v128.store offset=64 (local.get $dst) (local.get $c4))
            (v128.store offset=80 (local.get $dst) (local.get $c5))
            (v128.store offset=96 (local.get $dst) (local.get $c6))
            (v128.store offset=112 (local.get $dst) (local.get $c7))
            (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $wide)))
        ;; 4 columns at a time
        (block $narrow_done
          (loop $narrow
            (br_if $narrow_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (local.set $c0 (v128.const i32x4 0 0 0 0))
            (local.set $q (i32.load (i32.add (local.get $start) (i32.shl (local.get $i) (i32.const 2)))))
            (block $nz4_done
              (loop $nz4
                (br_if $nz4_done (i32.ge_s (local.get $q) (local.get $end)))
                (local.set $c0
                  (f32x4.add (local.get $c0)
                    (f32x4.mul (v128.load32_splat (i32.add (local.get $vals) (i32.shl (local.get $q) (i32.const 2))))
                      (v128.load (i32.add (i32.load (i32.add (local.get $offs) (i32.shl (local.get $q) (i32.const 2))))
                                          (i32.shl (local.get $j) (i32.const 2)))))))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $nz4)))
            (v128.store (local.get $dst) (local.get $c0))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $narrow)))
        ;; the last n mod 4 columns, one at a time
        (block $single_done
          (loop $single
            (br_if $single_done (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $s (f32.const 0))
            (local.set $q (i32.load (i32.add (local.get $start) (i32.shl (local.get $i) (i32.const 2)))))
            (block $nz1_done
              (loop $nz1
                (br_if $nz1_done (i32.ge_s (local.get $q) (local.get $end)))
                (local.set $s
                  (f32.add (local.get $s)
                    (f32.mul (f32.load (i32.add (local.get $vals) (i32.shl (local.get $q) (i32.const 2))))
                      (f32.load (i32.add (i32.load (i32.add (local.get $offs) (i32.shl (local.get $q) (i32.const 2))))
                                         (i32.shl (local.get $j) (i32.const 2)))))))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $nz1)))
            (f32.store (local.get $dst) (local.get $s))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $single)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; 1 if the `count` floats at `ptr` are all finite, else 0: v·0 is 0 for a finite v and NaN
  ;; for ±Infinity and NaN. The sparse kernel may skip a zero only against finite rows of B.
  (func (export "allFinite") (param $ptr i32) (param $count i32) (result i32)
    (local $end i32) (local $acc v128) (local $s f32)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done
      (loop $vec
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $ptr)) (v128.const f32x4 0 0 0 0))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $vec)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $count) (i32.const 3)) (i32.const 2))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $ptr)) (f32.const 0))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (br $tail)))
    (local.set $s
      (f32.add (local.get $s)
        (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                 (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
    (f32.eq (local.get $s) (f32.const 0)))

  ;; RMSprop's update of n parameters, in float32 four at a time (lib/kernels/optimizers.ts
  ;; has the formula): s = ρ·s + (1−ρ)·g²; w −= lr·g / (√s + ε). `omr` is 1 − ρ, rounded by the caller.
  ;; NOTE: every intermediate is rounded to float32, as in TF.js, where the plain kernel computes
  ;; each update in float64.
  (func (export "rmsprop") (param $w i32) (param $s i32) (param $g i32) (param $n i32)
                           (param $lr f32) (param $rho f32) (param $omr f32) (param $eps f32)
    (local $i i32) (local $end i32) (local $gv v128) (local $sv v128)
    (local $vlr v128) (local $vrho v128) (local $vomr v128) (local $veps v128)
    (local $gs f32) (local $ss f32)
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vrho (f32x4.splat (local.get $rho)))
    (local.set $vomr (f32x4.splat (local.get $omr)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $vec
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $sv
          (f32x4.add (f32x4.mul (local.get $vrho) (v128.load (i32.add (local.get $s) (local.get $i))))
                     (f32x4.mul (local.get $vomr) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $s) (local.get $i)) (local.get $sv))
        (v128.store (i32.add (local.get $w) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.div (f32x4.mul (local.get $vlr) (local.get $gv))
                       (f32x4.add (f32x4.sqrt (local.get $sv)) (local.get $veps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ss
          (f32.add (f32.mul (local.get $rho) (f32.load (i32.add (local.get $s) (local.get $i))))
                   (f32.mul (local.get $omr) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $s) (local.get $i)) (local.get $ss))
        (f32.store (i32.add (local.get $w) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div (f32.mul (local.get $lr) (local.get $gs))
                     (f32.add (f32.sqrt (local.get $ss)) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; lib/nn's relu layer, forward, in place: z[i, j] = max(z[i, j] + bias[j], 0) on an [m×n] z.
  ;; f32x4.max propagates NaN and orders −0 below +0, so NaN stays NaN and −0 becomes +0, as
  ;; with Math.max in lib/nn/fused.ts. Branch-free: a relu's inputs are positive or negative at
  ;; random, which costs the JavaScript loop a mispredicted branch on about every other element.
  (func (export "biasRelu") (param $z i32) (param $bias i32) (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $row i32) (local $vecEnd i32) (local $end i32) (local $zero v128)
    (local.set $row (local.get $z))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $j) (local.get $vecEnd)))
            (v128.store (i32.add (local.get $row) (local.get $j))
              (f32x4.max
                (f32x4.add (v128.load (i32.add (local.get $row) (local.get $j)))
                           (v128.load (i32.add (local.get $bias) (local.get $j))))
                (local.get $zero)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vec)))
        ;; the last n mod 4 columns, one at a time
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $j) (local.get $end)))
            (f32.store (i32.add (local.get $row) (local.get $j))
              (f32.max
                (f32.add (f32.load (i32.add (local.get $row) (local.get $j)))
                         (f32.load (i32.add (local.get $bias) (local.get $j))))
                (f32.const 0)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $row (i32.add (local.get $row) (local.get $end)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; relu's backward pass, in place on d (`size` floats): d where relu's output y > 0, else d·0,
  ;; so that a NaN or an infinity in d stays NaN there, as in lib/nn/fused.ts. Branch-free too.
  (func (export "reluBackward") (param $d i32) (param $y i32) (param $size i32)
    (local $i i32) (local $end i32) (local $dv v128) (local $zero v128) (local $ds f32)
    (local.set $end (i32.shl (i32.and (local.get $size) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $vec
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $dv (v128.load (i32.add (local.get $d) (local.get $i))))
        (v128.store (i32.add (local.get $d) (local.get $i))
          (v128.bitselect (local.get $dv)
                          (f32x4.mul (local.get $dv) (local.get $zero))
                          (f32x4.gt (v128.load (i32.add (local.get $y) (local.get $i))) (local.get $zero))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (local.set $end (i32.shl (local.get $size) (i32.const 2)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $ds (f32.load (i32.add (local.get $d) (local.get $i))))
        (f32.store (i32.add (local.get $d) (local.get $i))
          (select (local.get $ds)
                  (f32.mul (local.get $ds) (f32.const 0))
                  (f32.gt (f32.load (i32.add (local.get $y) (local.get $i))) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; out = a·x + b·y over n floats (out may be x): a GradientPool's batch-mean gradient from two
  ;; threads' gradients, a and b their shares of the batch. Rounded to float32 at each step.
  (func (export "axpby") (param $out i32) (param $x i32) (param $y i32) (param $n i32)
                         (param $a f32) (param $b f32)
    (local $i i32) (local $end i32) (local $va v128) (local $vb v128)
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $vb (f32x4.splat (local.get $b)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $vec
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add (f32x4.mul (local.get $va) (v128.load (i32.add (local.get $x) (local.get $i))))
                     (f32x4.mul (local.get $vb) (v128.load (i32.add (local.get $y) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add (f32.mul (local.get $a) (f32.load (i32.add (local.get $x) (local.get $i))))
                   (f32.mul (local.get $b) (f32.load (i32.add (local.get $y) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))
)
