class LoraStudioKernels(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def sdpa(self: __torch__.LoraStudioKernels, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    return torch.scaled_dot_product_attention(q, k, v)
  def sdpa_mask(self: __torch__.LoraStudioKernels, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:
    return torch.scaled_dot_product_attention(q, k, v, mask)
  def adamw(self: __torch__.LoraStudioKernels, params: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], hp: List[float]) -> int:
    grads = annotate(List[Tensor], [])
    for p in params:
      g = p.grad
      if g is not None:
        grads.append(g)
    if len(grads) == 0 or len(grads) != len(params):
      return 0
    steps = [torch.tensor(hp[5])] * len(params)
    torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), steps, lr=hp[0], beta1=hp[1], beta2=hp[2], weight_decay=hp[3], eps=hp[4], amsgrad=False, maximize=False)
    torch._foreach_zero_(grads)
    return len(params)
