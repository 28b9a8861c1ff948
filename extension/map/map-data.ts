/**
 * What the cluster map webview draws, computed from the model. Plain data only: it is posted to the webview
 * as a JSON message, and the webview builds its DOM from it with textContent.
 */
import type { ClusterModel } from '../model/cluster-model';
import { isCurrentTask } from '../model/status';
import type { NodeAvailability, NodeState, TaskState } from '../model/types';
import { compareNames, nodeName } from '../views/format';

export interface MapTask {
  id: string;
  serviceId: string;
  service: string;
  /** `web.3`, or the service name for global tasks. */
  label: string;
  state: TaskState;
  /** Index into {@link MapData.services}, which fixes the colour. */
  colour: number;
  error: string;
}

export interface MapNode {
  id: string;
  hostname: string;
  state: NodeState;
  availability: NodeAvailability;
  role: string;
  cpus: number;
  memoryBytes: number;
  reservedCpus: number;
  reservedMemoryBytes: number;
  tasks: MapTask[];
}

export interface MapData {
  nodes: MapNode[];
  services: Array<{ id: string; name: string; colour: number }>;
  /** Tasks not placed on any node (pending), by service. */
  unassigned: MapTask[];
  /** The layout the webview picks: dense from 30 nodes on. */
  dense: boolean;
}

export const DENSE_FROM_NODES = 30;
/** The webview's palette size; colours repeat after it. */
export const PALETTE_SIZE = 12;

export function buildMapData(model: ClusterModel): MapData {
  const services = [...model.services.values()]
    .map((s) => ({ id: s.ID, name: s.Spec.Name }))
    .sort((a, b) => compareNames(a.name, b.name));
  const colours = new Map<string, number>();
  const serviceList = services.map((s, i) => {
    const colour = i % PALETTE_SIZE;
    colours.set(s.id, colour);
    return { ...s, colour };
  });
  const toMapTask = (taskId: string): MapTask | undefined => {
    const task = model.tasks.get(taskId);
    if (!task) return undefined;
    const service = model.services.get(task.ServiceID);
    const name = service?.Spec.Name ?? task.ServiceID.slice(0, 12);
    return {
      id: task.ID,
      serviceId: task.ServiceID,
      service: name,
      label: task.Slot !== undefined && task.Slot > 0 ? `${name}.${task.Slot}` : name,
      state: task.Status.State,
      colour: colours.get(task.ServiceID) ?? 0,
      error: task.Status.Err ?? '',
    };
  };
  const nodes: MapNode[] = [...model.nodes.values()]
    .sort((a, b) => compareNames(nodeName(a), nodeName(b)))
    .map((node) => {
      let reservedCpus = 0;
      let reservedMemoryBytes = 0;
      const tasks: MapTask[] = [];
      for (const task of model.tasksOfNode(node.ID)) {
        if (!isCurrentTask(task)) continue;
        const reservation = task.Spec.Resources?.Reservations;
        reservedCpus += (reservation?.NanoCPUs ?? 0) / 1e9;
        reservedMemoryBytes += reservation?.MemoryBytes ?? 0;
        const mapped = toMapTask(task.ID);
        if (mapped) tasks.push(mapped);
      }
      tasks.sort((a, b) => compareNames(a.label, b.label));
      return {
        id: node.ID,
        hostname: nodeName(node),
        state: node.Status.State,
        availability: node.Spec.Availability,
        role: node.Spec.Role,
        cpus: node.Description.Resources.NanoCPUs / 1e9,
        memoryBytes: node.Description.Resources.MemoryBytes,
        reservedCpus,
        reservedMemoryBytes,
        tasks,
      };
    });
  const unassigned: MapTask[] = [];
  for (const task of model.tasks.values()) {
    if (task.NodeID || !isCurrentTask(task)) continue;
    const mapped = toMapTask(task.ID);
    if (mapped) unassigned.push(mapped);
  }
  unassigned.sort((a, b) => compareNames(a.label, b.label));
  return { nodes, services: serviceList, unassigned, dense: nodes.length >= DENSE_FROM_NODES };
}
