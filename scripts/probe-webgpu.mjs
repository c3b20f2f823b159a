// Exit 0 when Dawn finds a WebGPU adapter on this machine, 1 otherwise (used by the setup
// scripts to decide whether the CPU driver lavapipe must be installed).
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
process.env.XDG_RUNTIME_DIR ??= '/tmp';
const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) process.exit(1);
const device = await adapter.requestDevice();
console.log(`WebGPU adapter: ${adapter.info.description || adapter.info.vendor || 'unknown'}`);
await device.queue.onSubmittedWorkDone();
device.destroy();
process.exit(0);
