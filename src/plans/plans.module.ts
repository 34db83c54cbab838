import { Module } from '@nestjs/common';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { PlansController } from './plans.controller.js';
import { PlanStatusHooks } from './plan-status.hooks.js';
import { PlansService } from './plans.service.js';

@Module({ controllers: [PlansController], providers: [PlansService, PlanStatusHooks, DeadlinesService], exports: [PlansService, PlanStatusHooks] })
export class PlansModule {}
