// A small silicon project the end-to-end tests train in seconds: 24 rattled 8-atom Stillinger–Weber
// cells (dataset `d`, split 75/25) and a 5 + 4-function, 8-8 network (model `si`); the tests add their
// own train and run blocks.
export const SMALL_SILICON = `potential sw = stillinger_weber Si { }

dataset d {
  sample sw {
    crystal diamond Si a 5.431 A
    rattle 0.08 A frames 24
    seed 2
  }
  split train 75% validation 25% seed 3
}

model si {
  element Si
  cutoff cosine 4.0 A
  descriptors for Si {
    radial Si grid shifted 5 from 1.5 A to 3.8 A
    angular narrow Si Si eta 0.01 /A^2 lambda [-1 1] zeta [1 2]
  }
  network for Si { hidden 8 8 activation tanh }
  scaling scale range -1 to 1
  normalization auto
}
`;
